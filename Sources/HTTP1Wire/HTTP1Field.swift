/// Where one header field lies in its head's bytes.
public struct HTTP1Field: Hashable, Sendable {
    /// The name, as sent (any case).
    public var name: Range<Int>
    /// The value without the whitespace around it.
    public var value: Range<Int>
    /// The whole line with its CRLF: what is copied when the field is forwarded unchanged.
    public var line: Range<Int>
    /// The name when HTTP/1.1's rules care about it.
    public var known: HTTP1FieldName
    /// Length, first and last byte of the name in lower case: most lookups rule a field out
    /// by this alone (see ``HTTP1Fields/nameKey(_:)``).
    public var nameKey: UInt32

    public init(name: Range<Int>, value: Range<Int>, line: Range<Int>, known: HTTP1FieldName = .other, nameKey: UInt32 = 0) {
        self.name = name
        self.value = value
        self.line = line
        self.known = known
        self.nameKey = nameKey
    }
}
