/// Durations as scenario files and reports write them: `250ms`, `2s`, `1.5s`, `1m`, `800us`.
public enum DurationText {
    /// Parses a duration; a bare number is milliseconds. Nil for anything else, a negative
    /// value, or one beyond what a `Duration` of whole microseconds holds (~292,000 years).
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingSpaces().lowercased()
        let units: [(suffix: String, microseconds: Double)] = [
            ("ms", 1_000), ("us", 1), ("µs", 1), ("s", 1_000_000), ("m", 60_000_000),
        ]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            return duration(Double(trimmed.dropLast(unit.suffix.count).trimmingSpaces()), unit: unit.microseconds)
        }
        return duration(Double(trimmed), unit: 1_000)
    }

    private static func duration(_ value: Double?, unit microseconds: Double) -> Duration? {
        guard let value, value >= 0, value.isFinite else { return nil }
        let total = (value * microseconds).rounded()
        // Int64(exactly:) of 2^63 itself is nil too: the largest Double below it converts.
        guard let whole = Int64(exactly: total) else { return nil }
        return .microseconds(whole)
    }

    /// A short human form: `850µs`, `12.3ms`, `2.00s`.
    public static func format(_ duration: Duration) -> String {
        format(microseconds: Double(duration.microseconds))
    }

    public static func format(microseconds: Double) -> String {
        if microseconds < 1_000 { return "\(Int(microseconds.rounded()))µs" }
        if microseconds < 1_000_000 { return "\(oneDecimal(microseconds / 1_000))ms" }
        return "\(twoDecimals(microseconds / 1_000_000))s"
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

extension Duration {
    /// Whole microseconds (the unit of Zipkin timestamps and durations).
    public var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
