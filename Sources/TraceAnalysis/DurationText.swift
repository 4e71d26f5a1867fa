/// Durations in the units a person reads: `850us`, `12.3ms`, `2.05s`.
public enum DurationText {
    public static func format(_ microseconds: UInt64) -> String {
        if microseconds < 1_000 { return "\(microseconds)us" }
        // 999.5 ms and up would round to "1000ms": say "1.00s" instead.
        if microseconds < 999_500 { return decimal(microseconds, unit: 1_000) + "ms" }
        return decimal(microseconds, unit: 1_000_000) + "s"
    }

    /// Three significant digits without Foundation's formatters.
    private static func decimal(_ value: UInt64, unit: UInt64) -> String {
        let whole = value / unit
        let remainder = value % unit
        let digits = whole >= 100 ? 0 : (whole >= 10 ? 1 : 2)
        // Rounded half up, without ever forming value × scale (which overflows near UInt64.max).
        if digits == 0 { return "\(whole + (remainder >= unit - unit / 2 ? 1 : 0))" }
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = whole * scale + (remainder * scale + unit / 2) / unit
        let integer = scaled / scale
        var fraction = String(scaled % scale)
        while fraction.count < digits { fraction = "0" + fraction }
        return "\(integer).\(fraction)"
    }
}
