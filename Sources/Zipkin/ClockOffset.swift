/// A shift of a host's span clock (`--clock-offset` of the sidecar and the lab services): what
/// a host whose clock is off looks like in a trace, for the clock-skew lesson.
///
/// Only span timestamps move; durations come from the monotonic clock, as on a real host
/// whose wall clock is wrong but ticks at the right rate.
public enum ClockOffset {
    /// Parses a signed duration: `250ms`, `-1.5s`, `800us`, `0`; nil for anything else. The
    /// unit is required unless the value is 0, so `250` is not silently read as microseconds.
    public static func parse(_ text: String) -> Int64? {
        let trimmed = String(text.unicodeScalars.filter { $0 != " " && $0 != "\t" })
        if let zero = Double(trimmed), zero == 0 { return 0 }
        let units: [(suffix: String, micros: Double)] = [("us", 1), ("µs", 1), ("ms", 1_000), ("s", 1_000_000), ("m", 60_000_000)]
        guard let unit = units.first(where: { trimmed.hasSuffix($0.suffix) }),
              let number = Double(trimmed.dropLast(unit.suffix.count)), number.isFinite else { return nil }
        let micros = (number * unit.micros).rounded()
        guard micros.magnitude <= Double(maximumMicroseconds) else { return nil }
        return Int64(micros)
    }

    /// What a bad value is told: the accepted shapes.
    public static let expected = "a signed duration with a unit within a day, e.g. 250ms, -1.5s or 0"

    /// One day either way: more is a typo, not a wrong clock.
    public static let maximumMicroseconds: Int64 = 86_400_000_000

    /// `now` moved by `offset`, never below the epoch.
    public static func shifted(_ now: UInt64, by offset: Int64) -> UInt64 {
        offset >= 0 ? now &+ UInt64(offset) : now - min(now, offset.magnitude)
    }
}
