/// Reads protobuf's wire format field by field, straight from the body's bytes, with the
/// rules SwiftProtobuf's `BinaryDecoder` applies (so a hand-written decoder refuses exactly
/// what the generated one refuses): a tag with field number 0 or wire type 6/7 is malformed,
/// a varint longer than ten bytes or cut inside is malformed, a length or fixed-size value
/// past the end is truncated, groups are skipped to their end tag, strings must be UTF-8.
///
/// Why by hand: SwiftProtobuf builds a message tree first (a storage class per span, a
/// dictionary per tag map, generic metadata looked up per map entry); the collector only
/// needs each field once, on its way into a `ZipkinSpan`.
struct ProtobufWireReader {
    enum Problem: Error, Equatable {
        case truncated
        case malformed
        case invalidUTF8
        case depthLimit
    }

    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case startGroup = 3
        case endGroup = 4
        case fixed32 = 5
    }

    struct Tag {
        var field: UInt32
        var wireType: WireType
    }

    /// As SwiftProtobuf's default `messageDepthLimit`: messages and groups nested at most this deep.
    static let depthLimit = 100

    let bytes: [UInt8]
    private(set) var index: Int
    let end: Int
    /// Nesting levels left (SwiftProtobuf's recursion budget).
    private var budget: Int

    /// A reader of a whole body, itself a message.
    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.index = 0
        self.end = bytes.count
        self.budget = Self.depthLimit - 1
    }

    private init(_ bytes: [UInt8], range: Range<Int>, budget: Int) {
        self.bytes = bytes
        self.index = range.lowerBound
        self.end = range.upperBound
        self.budget = budget
    }

    /// Nesting levels still allowed below this message (SwiftProtobuf's recursion budget).
    var remainingDepth: Int { budget }

    /// The bytes this reader has not read yet (a whole message, for a fresh reader).
    var remainingBytes: ArraySlice<UInt8> { bytes[index..<end] }

    /// A reader of the embedded message in the length-delimited field at hand.
    mutating func message() throws(Problem) -> ProtobufWireReader {
        let range = try lengthDelimited()
        guard budget > 0 else { throw .depthLimit }
        return ProtobufWireReader(bytes, range: range, budget: budget - 1)
    }

    /// A reader of the map entry in the length-delimited field at hand (SwiftProtobuf reads
    /// entries without counting them as a level).
    mutating func mapEntry() throws(Problem) -> ProtobufWireReader {
        ProtobufWireReader(bytes, range: try lengthDelimited(), budget: budget)
    }

    /// The next field's tag in a message; nil at its end. As SwiftProtobuf's message loop: at
    /// most five bytes, the fifth below 16, no field 0, no wire type 6 or 7, no end-group.
    mutating func nextTag() throws(Problem) -> Tag? {
        guard index < end else { return nil }
        let first = bytes[index]
        guard let wireType = WireType(rawValue: first & 7) else { throw .malformed }
        var field = UInt32(first & 0x7F) >> 3
        var length = 1
        if first >= 0x80 {
            var shift: UInt32 = 4
            while true {
                guard index + length < end else { throw .malformed }
                let byte = bytes[index + length]
                if length == 4, byte > 15 { throw .malformed }
                field |= UInt32(byte & 0x7F) << shift
                length += 1
                if byte < 0x80 { break }
                shift += 7
                if length == 5 { break }
            }
        }
        index += length
        guard field != 0, wireType != .endGroup else { throw .malformed }
        return Tag(field: field, wireType: wireType)
    }

    /// The next tag inside a map entry or a group, read as a varint (as SwiftProtobuf reads
    /// those); nil at the end. End-group tags are returned for the caller to judge.
    mutating func nextPlainTag() throws(Problem) -> Tag? {
        guard index < end else { return nil }
        let value = try varint()
        guard value < UInt64(UInt32.max), value >> 3 != 0, let wireType = WireType(rawValue: UInt8(value & 7)) else { throw .malformed }
        return Tag(field: UInt32(value >> 3), wireType: wireType)
    }

    mutating func varint() throws(Problem) -> UInt64 {
        guard index < end else { throw .truncated }
        var byte = bytes[index]
        index += 1
        if byte < 0x80 { return UInt64(byte) }
        var value = UInt64(byte & 0x7F)
        var shift: UInt64 = 7
        while true {
            guard index < end, shift <= 63 else { throw .malformed }
            byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    mutating func fixed64() throws(Problem) -> UInt64 {
        guard end - index >= 8 else { throw .truncated }
        var value: UInt64 = 0
        for offset in 0..<8 { value |= UInt64(bytes[index + offset]) << (8 * UInt64(offset)) }
        index += 8
        return value
    }

    /// The range of a length-delimited field's body, which the reader then steps over.
    mutating func lengthDelimited() throws(Problem) -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - index) else { throw .truncated }
        let range = index..<(index + Int(length))
        index = range.upperBound
        return range
    }

    mutating func string() throws(Problem) -> String {
        let range = try lengthDelimited()
        let text = bytes.withUnsafeBufferPointer { Self.validatedUTF8(UnsafeBufferPointer(rebasing: $0[range])) }
        guard let text else { throw .invalidUTF8 }
        return text
    }

    /// Where the UTF-8 text of the length-delimited field at hand lies, and whether it is all
    /// ASCII, without making a `String` (tags go from the body straight into `ZipkinTags`).
    mutating func utf8Run() throws(Problem) -> (range: Range<Int>, isASCII: Bool) {
        let range = try lengthDelimited()
        let isASCII = bytes.withUnsafeBufferPointer { Self.isASCII(UnsafeBufferPointer(rebasing: $0[range])) }
        if !isASCII {
            guard bytes.withUnsafeBufferPointer({ String(validating: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }) != nil else {
                throw .invalidUTF8
            }
        }
        return (range, isASCII)
    }

    /// The text of UTF-8 bytes, nil when they are not UTF-8. Tag keys and values, names and
    /// endpoints are nearly always ASCII: checked eight bytes at a time, those become a string
    /// without the standard library's generic validation (about 1,000 instructions a string,
    /// most of proto3's decoding time); anything else is validated in full.
    static func validatedUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Whether every byte is below 0x80, checked eight at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        var high: UInt64 = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= bytes.count {
                high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                index += 8
            }
        }
        while index < bytes.count {
            high |= UInt64(bytes[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Steps over a field this reader does not read (or read with another wire type).
    mutating func skip(_ tag: Tag) throws(Problem) {
        switch tag.wireType {
        case .varint: _ = try varint()
        case .fixed64:
            guard end - index >= 8 else { throw .truncated }
            index += 8
        case .fixed32:
            guard end - index >= 4 else { throw .truncated }
            index += 4
        case .lengthDelimited: _ = try lengthDelimited()
        case .startGroup:
            budget -= 1
            guard budget >= 0 else { throw .depthLimit }
            while true {
                guard let inner = try nextPlainTag() else { throw .truncated }
                if inner.wireType == .endGroup {
                    guard inner.field == tag.field else { throw .malformed }
                    break
                }
                try skip(inner)
            }
            budget += 1
        case .endGroup: throw .truncated
        }
    }
}
