/// Time arithmetic that cannot trap: span times come from the network, and a span with a
/// timestamp or duration near `UInt64.max` must give an odd verdict, not crash the collector.
extension UInt64 {
    /// `self + other`, or `.max` on overflow.
    func plus(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// `self - other`, or 0 below zero.
    func minus(_ other: UInt64) -> UInt64 { self > other ? self - other : 0 }
}

extension Int64 {
    /// `self + other`, clamped to the range.
    func plus(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, clamped to the range.
    func minus(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// A timestamp moved by this offset, kept within 0…UInt64.max.
    static func shift(_ timestamp: UInt64, by offset: Int64) -> UInt64 {
        UInt64(clamping: Int64(clamping: timestamp).plus(offset))
    }
}

/// Namespace for the end of a span.
enum ZipkinSpanTime {
    /// Start plus duration, saturating.
    static func end(_ start: UInt64, _ duration: UInt64?) -> UInt64 { start.plus(duration ?? 0) }
}
