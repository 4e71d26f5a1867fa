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

    /// Whether `text` is an IPv4 dotted quad: four numbers 0...255 of one to three ASCII digits
    /// (`UInt8("+1")` would take a sign).
    static func isIPv4(_ text: some StringProtocol) -> Bool {
        // One pass, no splitting: most values are names and stop at their first byte.
        var dots = 0, digits = 0, value = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "."):
                guard digits > 0, dots < 3 else { return false }
                dots += 1
                digits = 0
                value = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                guard digits <= 3, value <= 255 else { return false }
            default:
                return false
            }
        }
        return dots == 3 && digits > 0
    }

    /// Whether `text` is an IPv6 literal (RFC 4291 section 2.2): eight groups of one to four hex
    /// digits, or fewer with one `::` standing for the rest, the last two may be written as a
    /// dotted quad. No zone (`%eth0`), as Zipkin's `ipv6` has none.
    static func isIPv6(_ text: String) -> Bool {
        // A name has no colon, or some byte no IPv6 literal has: turned away before any splitting.
        guard text.utf8.count <= 45, text.utf8.contains(UInt8(ascii: ":")), text.utf8.allSatisfy({ byte in
            UInt8(ascii: "0")...UInt8(ascii: "9") ~= byte || UInt8(ascii: "a")...UInt8(ascii: "f") ~= byte
                || UInt8(ascii: "A")...UInt8(ascii: "F") ~= byte || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
        }) else { return false }
        let halves = text.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false)
        guard !halves.contains(where: { $0.contains("::") }) else { return false }
        let compressed = halves.count == 2
        var groups: [Substring] = []
        for half in halves where !half.isEmpty {
            groups += half.split(separator: ":", omittingEmptySubsequences: false)
        }
        var width = 0
        for (index, group) in groups.enumerated() {
            if index == groups.count - 1, group.contains(".") {
                guard isIPv4(group) else { return false }
                width += 2
                continue
            }
            guard (1...4).contains(group.utf8.count),
                  group.utf8.allSatisfy({ UInt8(ascii: "0")...UInt8(ascii: "9") ~= $0 || UInt8(ascii: "a")...UInt8(ascii: "f") ~= $0 || UInt8(ascii: "A")...UInt8(ascii: "F") ~= $0 }) else {
                return false
            }
            width += 1
        }
        return compressed ? width < 8 : width == 8
    }
}
