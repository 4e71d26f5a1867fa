/// The binary form of an endpoint's address text, which Zipkin proto3 carries as raw bytes
/// (`Endpoint.ipv4`: 4 bytes, `Endpoint.ipv6`: 16 bytes).
///
/// The JSON model keeps addresses as text, so an encoder of the binary format has to parse
/// them back; text that is not an address gives nil and the encoder leaves the field out, as
/// zipkin2's `Endpoint.Builder.ip` drops what it cannot parse.
enum IPAddressBytes {
    /// A dotted quad (`10.0.0.1`) as its four bytes, first byte most significant; nil otherwise.
    static func ipv4(_ text: String) -> UInt32? {
        var text = text
        return text.withUTF8 { ipv4($0) }
    }

    /// An IPv6 literal (RFC 4291 section 2.2: groups of up to four hex digits, one `::`, an
    /// optional dotted-quad tail) as its sixteen bytes in two big-endian halves; nil otherwise
    /// (zone ids such as `%eth0` included, which have no binary form).
    static func ipv6(_ text: String) -> (high: UInt64, low: UInt64)? {
        var text = text
        return text.withUTF8 { ipv6($0) }
    }

    private static func ipv4(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var result: UInt32 = 0
        var parts = 0
        var value: UInt32 = 0
        var digits = 0
        for index in 0...bytes.count {
            let byte = index < bytes.count ? bytes[index] : UInt8(ascii: ".")
            if byte == UInt8(ascii: ".") {
                guard digits > 0, value <= 255, parts < 4 else { return nil }
                result = result << 8 | value
                parts += 1
                value = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 3 {
                value = value * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
            } else {
                return nil
            }
        }
        return parts == 4 ? result : nil
    }

    private static func ipv6(_ bytes: UnsafeBufferPointer<UInt8>) -> (high: UInt64, low: UInt64)? {
        var groups = [UInt16](repeating: 0, count: 8)
        var count = 0
        var gap: Int?  // where `::` stands, in groups
        var index = 0
        if bytes.count >= 2, bytes[0] == UInt8(ascii: ":"), bytes[1] == UInt8(ascii: ":") {
            gap = 0
            index = 2
        }
        while index < bytes.count {
            // One group, or a dotted quad ending the address.
            let start = index
            var value: UInt32 = 0
            while index < bytes.count, let digit = hexValue(bytes[index]) {
                value = value << 4 | UInt32(digit)
                index += 1
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                guard count <= 6, let quad = ipv4(UnsafeBufferPointer(rebasing: bytes[start...])) else { return nil }
                groups[count] = UInt16(quad >> 16)
                groups[count + 1] = UInt16(truncatingIfNeeded: quad)
                count += 2
                index = bytes.count
                break
            }
            guard index > start, index - start <= 4, count < 8 else { return nil }
            groups[count] = UInt16(value)
            count += 1
            if index == bytes.count { break }
            guard bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                guard gap == nil else { return nil }
                gap = count
                index += 1
            } else if index == bytes.count {
                return nil  // a trailing single colon
            }
        }
        if let gap {
            guard count < 8 else { return nil }
            let tail = count - gap
            for offset in stride(from: tail - 1, through: 0, by: -1) {
                groups[8 - tail + offset] = groups[gap + offset]
            }
            for position in gap..<(8 - tail) { groups[position] = 0 }
        } else {
            guard count == 8 else { return nil }
        }
        var high: UInt64 = 0, low: UInt64 = 0
        for position in 0..<4 { high = high << 16 | UInt64(groups[position]) }
        for position in 4..<8 { low = low << 16 | UInt64(groups[position]) }
        return (high, low)
    }

    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
