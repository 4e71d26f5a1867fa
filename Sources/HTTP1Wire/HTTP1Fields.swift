/// A message head's bytes and the fields found in them, read in place: a proxy forwards
/// most fields unchanged, so none is turned into a `String` unless a rule needs its value.
public struct HTTP1Fields: Sendable {
    /// The head as received, from the start line to the blank line.
    public let bytes: [UInt8]
    public let fields: [HTTP1Field]

    public init(bytes: [UInt8], fields: [HTTP1Field]) {
        self.bytes = bytes
        self.fields = fields
    }

    /// Whether field `index`'s name is `lowercased` (given in lower case), ignoring ASCII case.
    public func name(at index: Int, is lowercased: String) -> Bool {
        Self.equalsIgnoringCase(bytes, fields[index].name, lowercased)
    }

    public func name(at index: Int) -> String {
        String(decoding: bytes[fields[index].name], as: UTF8.self)
    }

    public func value(at index: Int) -> String {
        String(decoding: bytes[fields[index].value], as: UTF8.self)
    }

    /// The first value of the header named `lowercased`, if any.
    public func first(_ lowercased: String) -> String? {
        firstIndex(lowercased).map { value(at: $0) }
    }

    public func firstIndex(_ lowercased: String) -> Int? {
        fields.indices.first { name(at: $0, is: lowercased) }
    }

    /// Every value of the header named `lowercased`, in order.
    public func values(_ lowercased: String) -> [String] {
        fields.indices.filter { name(at: $0, is: lowercased) }.map { value(at: $0) }
    }

    /// The comma-separated tokens of every `lowercased` header, trimmed and lowered
    /// (`Connection: keep-alive, X-Secret` → `["keep-alive", "x-secret"]`).
    public func tokens(_ lowercased: String) -> [String] {
        var tokens: [String] = []
        for index in fields.indices where name(at: index, is: lowercased) {
            for token in bytes[fields[index].value].split(separator: UInt8(ascii: ",")) {
                let trimmed = token.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
                if !trimmed.isEmpty { tokens.append(String(decoding: trimmed.map { Self.lower($0) }, as: UTF8.self)) }
            }
        }
        return tokens
    }

    /// Whether `range` of `bytes` spells `lowercased` ignoring ASCII case. Lengths first:
    /// most names are ruled out without reading them.
    public static func equalsIgnoringCase(_ bytes: [UInt8], _ range: Range<Int>, _ lowercased: String) -> Bool {
        var lowercased = lowercased
        return lowercased.withUTF8 { expected in
            guard expected.count == range.count else { return false }
            return bytes.withUnsafeBufferPointer { all in
                var offset = 0
                for index in range {
                    if lower(all[index]) != expected[offset] { return false }
                    offset += 1
                }
                return true
            }
        }
    }

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
