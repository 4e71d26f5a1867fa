/// Why a Zipkin JSON body could not be read, and where.
///
/// The collector turns this into a 400 whose message names the problem, the byte offset and
/// the field, so whoever sent the body can find the fault without a packet capture.
public struct ZipkinDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case unexpectedEnd
        /// A byte that cannot start or continue what the grammar expects here.
        case unexpectedByte(UInt8, expected: String)
        case invalidString(String)
        case invalidNumber(String)
        /// A field with a value of the wrong type or range (e.g. a trace id that is not hex).
        case invalidField(String)
        /// A span without one of `traceId` or `id`.
        case missingField(String)
        /// Input nested deeper than the decoder follows.
        case tooDeep
        case trailingBytes
    }

    public var reason: Reason
    /// Byte offset into the body.
    public var offset: Int
    /// The span field being read, if any (`tags`, `localEndpoint.ipv4`, …).
    public var field: String?
    /// Index of the span in the array.
    public var spanIndex: Int?

    public init(_ reason: Reason, offset: Int, field: String? = nil, spanIndex: Int? = nil) {
        self.reason = reason
        self.offset = offset
        self.field = field
        self.spanIndex = spanIndex
    }

    public var description: String {
        var what: String
        switch reason {
        case .unexpectedEnd: what = "unexpected end of input"
        case .unexpectedByte(let byte, let expected):
            let shown = byte >= 0x20 && byte < 0x7f ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
            what = "unexpected \(shown), expected \(expected)"
        case .invalidString(let why): what = "invalid string: \(why)"
        case .invalidNumber(let text): what = "invalid number '\(text)'"
        case .invalidField(let why): what = why
        case .missingField(let name): what = "span has no \(name)"
        case .tooDeep: what = "JSON nested too deeply"
        case .trailingBytes: what = "unexpected data after the span list"
        }
        var location = "at byte \(offset)"
        if let spanIndex { location += ", span \(spanIndex)" }
        if let field { location += ", field \(field)" }
        return "\(what) (\(location))"
    }
}
