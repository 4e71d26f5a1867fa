/// A message head's bytes and the fields found in them, read in place: a proxy forwards
/// most fields unchanged, so none is turned into a `String` unless a rule needs its value.
public struct HTTP1Fields: Sendable {
    /// The head as received, from the start line to the blank line.
    public let bytes: [UInt8]
    public let fields: [HTTP1Field]
    /// Which ``HTTP1FieldName``s occur (a bit each): absent ones are answered without a scan.
    let present: UInt16

    public init(bytes: [UInt8], fields: [HTTP1Field]) {
        self.bytes = bytes
        self.fields = fields
        self.present = fields.reduce(0) { $0 | ($1.known == .other ? 0 : $1.known.bit) }
    }

    public func contains(_ name: HTTP1FieldName) -> Bool {
        present & name.bit != 0
    }

    /// Whether field `index`'s name is `lowercased` (given in lower case), ignoring ASCII case.
    @inline(__always)
    public func name(at index: Int, is lowercased: String) -> Bool {
        name(at: index, is: lowercased, key: Self.nameKey(lowercased))
    }

    @inline(__always)
    func name(at index: Int, is lowercased: String, key: UInt32) -> Bool {
        let field = fields[index]
        return field.nameKey == key && Self.equalsIgnoringCase(bytes, field.name, lowercased)
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
        let key = Self.nameKey(lowercased)
        for index in fields.indices where name(at: index, is: lowercased, key: key) {
            return index
        }
        return nil
    }

    /// Every value of the fields `name`, in order.
    public func values(_ name: HTTP1FieldName) -> [String] {
        guard contains(name) else { return [] }
        return fields.indices.filter { fields[$0].known == name }.map { value(at: $0) }
    }

    /// Calls `body` with the range of each comma-separated token of the `name` fields,
    /// without the whitespace around it, in order; stops when `body` returns false. Empty
    /// tokens (`a,,b`, an empty value) are skipped unless `includingEmpty`.
    public func forEachToken(of name: HTTP1FieldName, includingEmpty: Bool = false, _ body: (Range<Int>) -> Bool) {
        guard contains(name) else { return }
        for field in fields where field.known == name {
            var start = field.value.lowerBound
            while start <= field.value.upperBound {
                var end = start
                while end < field.value.upperBound, bytes[end] != UInt8(ascii: ",") { end += 1 }
                var low = start
                var high = end
                while low < high, bytes[low] == 0x20 || bytes[low] == 0x09 { low += 1 }
                while high > low, bytes[high - 1] == 0x20 || bytes[high - 1] == 0x09 { high -= 1 }
                if low < high || includingEmpty, !body(low..<high) { return }
                start = end + 1
            }
        }
    }

    /// Whether the token at `range` is `lowercased`, ignoring ASCII case.
    public func token(_ range: Range<Int>, is lowercased: String) -> Bool {
        Self.equalsIgnoringCase(bytes, range, lowercased)
    }

    /// Length, first and last byte (lowered) of a name: equal names have equal keys.
    @inline(__always)
    public static func nameKey(_ lowercased: String) -> UInt32 {
        // Over the contiguous UTF-8 (any native string): the generic `utf8.last` walks indices.
        let key = lowercased.utf8.withContiguousStorageIfAvailable { bytes -> UInt32 in
            guard let first = bytes.first, let last = bytes.last else { return 0 }
            return UInt32(truncatingIfNeeded: bytes.count) << 16 | UInt32(first) << 8 | UInt32(last)
        }
        if let key { return key }
        var copy = lowercased
        copy.makeContiguousUTF8()
        return nameKey(copy)
    }

    @inline(__always)
    static func nameKey(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt32 {
        guard !range.isEmpty else { return 0 }
        return UInt32(truncatingIfNeeded: range.count) << 16 | UInt32(lower(bytes[range.lowerBound])) << 8 | UInt32(lower(bytes[range.upperBound - 1]))
    }

    /// Whether `range` of `bytes` spells `lowercased` ignoring ASCII case.
    public static func equalsIgnoringCase(_ bytes: [UInt8], _ range: Range<Int>, _ lowercased: String) -> Bool {
        let equal = lowercased.utf8.withContiguousStorageIfAvailable { expected -> Bool in
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
        if let equal { return equal }
        return bytes[range].lazy.map(lower).elementsEqual(lowercased.utf8)
    }

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
