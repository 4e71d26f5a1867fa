/// An `x-request-id`: a UUID (8-4-4-4-12 hex digits, either case) that names one request
/// across every hop, as Envoy sets it.
///
/// The lab keeps a valid incoming id and replaces anything else, so a 10 MB or garbage value
/// never reaches an app or a span tag.
public struct RequestID: Hashable, Sendable, CustomStringConvertible {
    public static let length = 36
    public let value: String

    public init(_ value: String) throws(TraceContextError) {
        guard RequestID.isUUID(value) else {
            throw TraceContextError(.notUUID, field: .requestID, input: value)
        }
        self.value = value
    }

    /// A random (version 4, RFC 9562 §5.4) id.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> RequestID {
        let high = (UInt64(generator.next()) & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (UInt64(generator.next()) & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let value = String(unsafeUninitializedCapacity: length) { buffer in
            HexCoding.write(high >> 32, width: 8, into: buffer, at: 0)
            buffer[8] = UInt8(ascii: "-")
            HexCoding.write((high >> 16) & 0xFFFF, width: 4, into: buffer, at: 9)
            buffer[13] = UInt8(ascii: "-")
            HexCoding.write(high & 0xFFFF, width: 4, into: buffer, at: 14)
            buffer[18] = UInt8(ascii: "-")
            HexCoding.write(low >> 48, width: 4, into: buffer, at: 19)
            buffer[23] = UInt8(ascii: "-")
            HexCoding.write(low & 0xFFFF_FFFF_FFFF, width: 12, into: buffer, at: 24)
            return length
        }
        return RequestID(unchecked: value)
    }

    private init(unchecked value: String) { self.value = value }

    public var description: String { value }

    static func isUUID(_ value: String) -> Bool {
        value.withUTF8Bytes { bytes in
            guard bytes.count == length else { return false }
            for index in 0..<length {
                let byte = bytes[index]
                switch index {
                case 8, 13, 18, 23:
                    if byte != UInt8(ascii: "-") { return false }
                default:
                    if HexCoding.anyCaseHexValue(byte) == nil { return false }
                }
            }
            return true
        }
    }
}
