/// Trace and span id text as query APIs accept and return it.
///
/// Zipkin and Jaeger both take lower-hex ids, but older Jaeger versions print ids without
/// leading zeros (`%x`), and people paste ids in upper case; both are normalised here to the
/// 16- or 32-digit form TraceLab's model parses.
enum BackendIDText {
    /// Lower-cased and left-padded to 16 digits (up to 16 given) or 32 (17 to 32 given).
    /// Nil when the text is empty, longer than 32 or not hex.
    static func normalised(_ text: String) -> String? {
        let lower = text.lowercased()
        guard !lower.isEmpty, lower.utf8.count <= 32,
              lower.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        let width = lower.utf8.count <= 16 ? 16 : 32
        return String(repeating: "0", count: width - lower.utf8.count) + lower
    }

    /// A span id is 64 bits: at most 16 digits.
    static func normalisedSpanID(_ text: String) -> String? {
        guard text.utf8.count <= 16 else { return nil }
        return normalised(text)
    }
}
