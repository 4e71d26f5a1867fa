/// Text forms of the raw IP addresses Zipkin proto3 endpoints carry, and recognising IP
/// literals in OpenTelemetry attributes (`network.peer.address` may be a name or an address).
enum IPAddressText {
    /// Dotted quad of 4 bytes; nil for any other length.
    static func ipv4(_ bytes: [UInt8]) -> String? {
        guard bytes.count == 4 else { return nil }
        return bytes.map(String.init).joined(separator: ".")
    }

    /// RFC 5952 text of 16 bytes (lower case, the longest run of two or more zero groups as
    /// `::`), as zipkin2 writes `Endpoint.ipv6`; nil for any other length.
    static func ipv6(_ bytes: [UInt8]) -> String? {
        guard bytes.count == 16 else { return nil }
        let groups = (0..<8).map { UInt16(bytes[$0 * 2]) << 8 | UInt16(bytes[$0 * 2 + 1]) }
        var bestStart = -1, bestLength = 0, runStart = -1
        for index in 0...8 {
            if index < 8, groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength { bestStart = runStart; bestLength = index - runStart }
                runStart = -1
            }
        }
        if bestLength < 2 { bestStart = -1 }
        var text = ""
        var index = 0
        while index < 8 {
            if index == bestStart {
                text += index == 0 ? "::" : ":"
                index += bestLength
                continue
            }
            text += String(groups[index], radix: 16)
            if index < 7 { text += ":" }
            index += 1
        }
        return text
    }

    /// Whether `text` is an IPv4 dotted quad.
    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && UInt8(part) != nil
        }
    }

    /// Whether `text` looks like an IPv6 literal (hex groups and colons, at least two colons).
    static func isIPv6(_ text: String) -> Bool {
        text.utf8.filter { $0 == UInt8(ascii: ":") }.count >= 2
            && text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}
