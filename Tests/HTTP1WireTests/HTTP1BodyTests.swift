import HTTP1Wire
import Testing

@Suite("Body framing and the body scanner")
struct HTTP1BodyTests {
    static func length(_ fields: String) throws(HTTP1ParseError) -> HTTP1BodyLength {
        try HTTP1BodyLength.of(HTTP1HeadParser.request(Array("POST / HTTP/1.1\r\n\(fields)\r\n".utf8)))
    }

    static func responseLength(_ status: Int, _ fields: String, head: Bool = false) throws -> HTTP1BodyLength {
        try HTTP1BodyLength.of(HTTP1HeadParser.response(Array("HTTP/1.1 \(status) X\r\n\(fields)\r\n".utf8)), requestWasHEAD: head)
    }

    @Test("a request's length: none, fixed, chunked; smuggling-prone heads refused")
    func requestLength() throws {
        #expect(try Self.length("Host: a\r\n") == .none)
        #expect(try Self.length("Content-Length: 0\r\n") == .none)
        #expect(try Self.length("Content-Length: 12\r\n") == .fixed(12))
        #expect(try Self.length("Content-Length: 3\r\ncontent-length: 3\r\n") == .fixed(3))
        #expect(try Self.length("Content-Length: 3, 3\r\n") == .fixed(3))
        #expect(try Self.length("Transfer-Encoding: gzip, Chunked\r\n") == .chunked)
        let refused: [(String, Int, String)] = [
            ("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", 400, "both Content-Length and Transfer-Encoding"),
            ("Content-Length: 3\r\nContent-Length: 4\r\n", 400, "conflicting Content-Length"),
            ("Content-Length: 3, 4\r\n", 400, "conflicting Content-Length"),
            ("Content-Length: abc\r\n", 400, "not a number"),
            ("Content-Length: -1\r\n", 400, "not a number"),
            ("Content-Length: \r\n", 400, "not a number"),
            ("Content-Length: 99999999999999999999\r\n", 400, "not a number"),
            ("Transfer-Encoding: gzip\r\n", 501, "does not end in chunked"),
            ("Transfer-Encoding: chunked, gzip\r\n", 501, "does not end in chunked"),
        ]
        for (fields, status, words) in refused {
            #expect(performing: { try Self.length(fields) }, throws: { error in
                guard let error = error as? HTTP1ParseError else { return false }
                return error.status == status && error.description.contains(words)
            })
        }
    }

    @Test("a response's length follows RFC 9112 §6.3")
    func responseLength() throws {
        #expect(try Self.responseLength(200, "Content-Length: 5\r\n") == .fixed(5))
        #expect(try Self.responseLength(200, "Content-Length: 5\r\n", head: true) == .none)
        #expect(try Self.responseLength(204, "") == .none)
        #expect(try Self.responseLength(304, "Content-Length: 5\r\n") == .none)
        #expect(try Self.responseLength(100, "") == .none)
        #expect(try Self.responseLength(200, "Transfer-Encoding: chunked\r\n") == .chunked)
        #expect(try Self.responseLength(200, "Transfer-Encoding: gzip\r\n") == .untilClose)
        #expect(try Self.responseLength(200, "") == .untilClose)
    }

    /// Scans `text` in pieces of `piece` bytes; returns the bytes consumed, the payload and whether it completed.
    static func scan(_ length: HTTP1BodyLength, _ text: String, piece: Int) throws -> (consumed: Int, payload: String, complete: Bool) {
        var scanner = HTTP1BodyScanner(length)
        let bytes = Array(text.utf8)
        var offset = 0
        var payload: [UInt8] = []
        while offset < bytes.count, !scanner.isComplete {
            let end = min(offset + piece, bytes.count)
            let part = Array(bytes[offset..<end])
            let consumed = try part.withUnsafeBytes { raw in
                try scanner.scan(raw) { range in payload += part[range] }
            }
            offset += consumed
            if consumed < part.count { break }
        }
        return (offset, String(decoding: payload, as: UTF8.self), scanner.isComplete)
    }

    @Test("chunked bodies end after the last chunk and trailers, in pieces of any size", arguments: [1, 2, 3, 7, 1000])
    func chunked(piece: Int) throws {
        let body = "5\r\nhello\r\n6;ext=1\r\n world\r\nA \r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n"
        let result = try Self.scan(.chunked, body + "GET /next", piece: piece)
        #expect(result.consumed == body.utf8.count && result.complete)
        #expect(result.payload == "hello world0123456789")
        let fixed = try Self.scan(.fixed(5), "helloGET", piece: piece)
        #expect(fixed.consumed == 5 && fixed.payload == "hello" && fixed.complete)
        let open = try Self.scan(.untilClose, "all of it", piece: piece)
        #expect(open.consumed == 9 && !open.complete)
    }

    @Test("malformed chunked framing is refused", arguments: [
        "x\r\n", "\r\n", "5\r\nhelloX\r\n", "5\nhello\r\n", "1000000000000000\r\n", "5\r\nhello\r\n0\r\nX-T: 1\n\r\n", "5;\u{01}\r\n",
    ])
    func malformedChunked(text: String) {
        #expect(throws: HTTP1ParseError.self) { try Self.scan(.chunked, text, piece: 1000) }
    }
}
