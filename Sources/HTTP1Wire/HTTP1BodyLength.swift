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
        var transferEncoding = false
        var contentLength = false
        for index in fields.fields.indices {
            let count = fields.fields[index].name.count
            if count == 17, fields.name(at: index, is: "transfer-encoding") { transferEncoding = true }
            if count == 14, fields.name(at: index, is: "content-length") { contentLength = true }
        }
        if transferEncoding {
            if contentLength { throw HTTP1ParseError(.contentLengthWithTransferEncoding) }
            return try chunkedOrRefused(fields)
        }
        if contentLength {
            let length = try self.contentLength(fields)
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
        if fields.firstIndex("transfer-encoding") != nil {
            let codings = fields.tokens("transfer-encoding")
            return codings.last == "chunked" ? .chunked : .untilClose
        }
        if fields.firstIndex("content-length") != nil {
            let length = try contentLength(fields)
            return length == 0 ? .none : .fixed(length)
        }
        return .untilClose
    }

    private static func chunkedOrRefused(_ fields: HTTP1Fields) throws(HTTP1ParseError) -> HTTP1BodyLength {
        let codings = fields.tokens("transfer-encoding")
        guard codings.last == "chunked" else {
            throw HTTP1ParseError(.unsupportedTransferEncoding(fields.values("transfer-encoding").joined(separator: ", ")))
        }
        return .chunked
    }

    /// Every Content-Length value (fields and comma lists) must be the same number.
    private static func contentLength(_ fields: HTTP1Fields) throws(HTTP1ParseError) -> UInt64 {
        let values = fields.values("content-length")
        var length: UInt64?
        for value in values {
            for item in value.split(separator: ",", omittingEmptySubsequences: false) {
                let trimmed = item.utf8.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
                guard !trimmed.isEmpty, trimmed.count <= 18, trimmed.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    throw HTTP1ParseError(.invalidContentLength(value))
                }
                let number = trimmed.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 0x30) }
                if let length, length != number { throw HTTP1ParseError(.conflictingContentLength(values)) }
                length = number
            }
        }
        return length ?? 0
    }
}
