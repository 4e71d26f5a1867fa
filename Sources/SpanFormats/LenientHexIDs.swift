import TraceContext

/// Trace and span ids from hex text as older tracers write it: zipkin2's v1 readers accept
/// fewer than 16 digits (left-padded with zeros) and upper case, where `TraceID(hex:)` is strict.
enum LenientHexIDs {
    /// 1 to 32 hex digits; more than 16 make a 128-bit id.
    static func traceID(_ text: String) -> TraceID? {
        guard (1...32).contains(text.utf8.count), let (high, low) = words(text) else { return nil }
        return text.utf8.count > 16 ? TraceID(high: high, low: low) : TraceID(low: low)
    }

    /// 1 to 16 hex digits, not all zero.
    static func spanID(_ text: String) -> SpanID? {
        guard (1...16).contains(text.utf8.count), let (_, low) = words(text) else { return nil }
        return SpanID(low)
    }

    /// The text as a 128-bit number split into its high and low 64 bits.
    private static func words(_ text: String) -> (UInt64, UInt64)? {
        var high: UInt64 = 0, low: UInt64 = 0
        for byte in text.utf8 {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            high = high << 4 | low >> 60
            low = low << 4 | digit
        }
        return (high, low)
    }
}
