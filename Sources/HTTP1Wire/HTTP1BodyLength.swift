/// How a message's body is delimited (RFC 9112 §6.3), decided from its head.
public enum HTTP1BodyLength: Hashable, Sendable {
    /// No body: a request without Content-Length or Transfer-Encoding, a response to HEAD,
    /// a 1xx, 204 or 304.
    case none
    case fixed(UInt64)
    case chunked
    /// A response without a length: its body ends when the server closes the connection.
    case untilClose

    /// The rules for a request. Both Content-Length and Transfer-Encoding, Content-Length
    /// values that disagree, and a Transfer-Encoding that does not end in chunked are
    /// refused: each is a way to make the proxy and the app disagree on where the body ends.
    public static func of(_ head: HTTP1RequestHead) throws(HTTP1ParseError) -> HTTP1BodyLength {
        let fields = head.fields
        if fields.contains(.transferEncoding) {
            if fields.contains(.contentLength) { throw HTTP1ParseError(.contentLengthWithTransferEncoding) }
            guard endsInChunked(fields) else {
                throw HTTP1ParseError(.unsupportedTransferEncoding(fields.values(.transferEncoding).joined(separator: ", ")))
            }
            return .chunked
        }
        if fields.contains(.contentLength) {
            let length = try contentLength(fields)
            return length == 0 ? .none : .fixed(length)
        }
        return .none
    }

    /// The rules for a response to a request whose method was HEAD or not.
    public static func of(_ head: HTTP1ResponseHead, requestWasHEAD: Bool) throws(HTTP1ParseError) -> HTTP1BodyLength {
        if requestWasHEAD || head.status < 200 && head.status != 101 || head.status == 204 || head.status == 304 {
            return .none
        }
        if head.status == 101 { return .untilClose }
        let fields = head.fields
        if fields.contains(.transferEncoding) {
            return endsInChunked(fields) ? .chunked : .untilClose
        }
        if fields.contains(.contentLength) {
            let length = try contentLength(fields)
            return length == 0 ? .none : .fixed(length)
        }
        return .untilClose
    }

    /// Whether the last transfer coding is chunked.
    private static func endsInChunked(_ fields: HTTP1Fields) -> Bool {
        var last: Range<Int>?
        fields.forEachToken(of: .transferEncoding) { token in
            last = token
            return true
        }
        return last.map { fields.token($0, is: "chunked") } ?? false
    }

    /// Every Content-Length value (fields and comma lists) must be the same number.
    private static func contentLength(_ fields: HTTP1Fields) throws(HTTP1ParseError) -> UInt64 {
        var length: UInt64?
        var conflict = false
        var invalid = false
        fields.forEachToken(of: .contentLength, includingEmpty: true) { token in
            // At most 18 digits: the number fits in UInt64 without an overflow check.
            guard !token.isEmpty, token.count <= 18 else {
                invalid = true
                return false
            }
            var number: UInt64 = 0
            for index in token {
                let byte = fields.bytes[index]
                guard byte >= 0x30, byte <= 0x39 else {
                    invalid = true
                    return false
                }
                number = number * 10 + UInt64(byte - 0x30)
            }
            if let length, length != number { conflict = true }
            length = number
            return true
        }
        if invalid { throw HTTP1ParseError(.invalidContentLength(fields.values(.contentLength).joined(separator: ", "))) }
        if conflict { throw HTTP1ParseError(.conflictingContentLength(fields.values(.contentLength))) }
        return length ?? 0
    }
}
