/// Where one header field lies in its head's bytes.
public struct HTTP1Field: Hashable, Sendable {
    /// The name, as sent (any case).
    public var name: Range<Int>
    /// The value without the whitespace around it.
    public var value: Range<Int>
    /// The whole line with its CRLF: what is copied when the field is forwarded unchanged.
    public var line: Range<Int>

    public init(name: Range<Int>, value: Range<Int>, line: Range<Int>) {
        self.name = name
        self.value = value
        self.line = line
    }
}
