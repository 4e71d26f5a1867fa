import HTTP1Wire
import Testing

@Suite("Request and response heads off the wire")
struct HTTP1HeadParserTests {
    static func request(_ text: String) throws(HTTP1ParseError) -> HTTP1RequestHead {
        try HTTP1HeadParser.request(Array(text.utf8))
    }

    @Test("finds a head's end only at CRLF CRLF, resuming where it left off")
    func headLength() {
        let text = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\nBODY".utf8)
        let length = text.withUnsafeBytes { HTTP1HeadParser.headLength(in: $0) }
        #expect(length == text.count - 4)
        // Bytes arrive one at a time; each search resumes where the previous one (one byte
        // shorter, nothing found) could not have seen a complete CRLF CRLF.
        for split in 0...(text.count - 4) {
            let prefix = Array(text[..<split])
            let found = prefix.withUnsafeBytes { HTTP1HeadParser.headLength(in: $0, from: max(0, split - 4)) }
            #expect(found == (split == text.count - 4 ? split : nil), "split \(split)")
        }
        #expect(Array("GET / HTTP/1.1\n\n".utf8).withUnsafeBytes { HTTP1HeadParser.headLength(in: $0) } == nil)
    }

    @Test("reads method, target, version and fields in place, values trimmed")
    func request() throws {
        let head = try Self.request("POST /a/b?c=1 HTTP/1.1\r\nHost: reviews:9080\r\nX-Empty:\r\nX-B3-Sampled: \t1 \r\n\r\n")
        #expect(head.methodString == "POST" && head.targetString == "/a/b?c=1" && head.minorVersion == 1)
        #expect(head.fields.fields.count == 3)
        #expect(head.fields.first("host") == "reviews:9080")
        #expect(head.fields.first("x-b3-sampled") == "1")
        #expect(head.fields.first("x-empty") == "")
        #expect(head.fields.first("absent") == nil)
        #expect(head.keepAlive && !head.isHEAD)
    }

    @Test("keep-alive follows the version and Connection's tokens", arguments: [
        ("HTTP/1.1", "", true), ("HTTP/1.1", "Connection: close\r\n", false), ("HTTP/1.1", "Connection: Keep-Alive, CLOSE\r\n", false),
        ("HTTP/1.0", "", false), ("HTTP/1.0", "Connection: keep-alive\r\n", true), ("HTTP/1.1", "Connection: x-trace\r\n", true),
    ])
    func keepAlive(version: String, connection: String, keepAlive: Bool) throws {
        #expect(try Self.request("GET / \(version)\r\nHost: a\r\n\(connection)\r\n").keepAlive == keepAlive)
    }

    @Test("refuses what a strict parser must, naming the problem", arguments: [
        ("GET / HTTP/1.1\r\nX-A: 1\nX-B: 2\r\n\r\n", 400, "LF without CR"),
        ("GET / HTTP/1.1\r\nX-A: a\rX-B: 2\r\n\r\n", 400, "CR not followed by LF"),
        ("GET / HTTP/1.1\r\nX-Folded: a\r\n  b\r\n\r\n", 400, "obsolete line folding"),
        ("GET / HTTP/1.1\r\nX-A : 1\r\n\r\n", 400, "whitespace between"),
        ("GET / HTTP/1.1\r\nbad name: x\r\n\r\n", 400, "header name"),
        ("GET / HTTP/1.1\r\nX-Bad: a\u{01}b\r\n\r\n", 400, "invalid byte 0x1 in the value of header 'X-Bad'"),
        ("GET / HTTP/1.1\r\nX-Bad: a\u{7F}b\r\n\r\n", 400, "0x7f"),
        ("GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400, "without a colon"),
        ("GET / HTTP/1.1\r\n: empty\r\n\r\n", 400, "header name"),
        ("GET  / HTTP/1.1\r\n\r\n", 400, "request line"),
        ("GET / HTTP/1.1 \r\n\r\n", 400, "request line"),
        ("GET /a b HTTP/1.1\r\n\r\n", 400, "request line"),
        ("G@T / HTTP/1.1\r\n\r\n", 400, "request line"),
        ("GET / HTTP/2.0\r\n\r\n", 505, "HTTP/1.0 and HTTP/1.1"),
        ("GET / HTTX/1.1\r\n\r\n", 400, "request line"),
        ("CONNECT a:443 HTTP/1.1\r\n\r\n", 501, "CONNECT"),
    ])
    func refuses(text: String, status: Int, words: String) {
        #expect {
            _ = try Self.request(text)
        } throws: { error in
            guard let error = error as? HTTP1ParseError else { return false }
            return error.status == status && error.description.contains(words)
        }
    }

    @Test("a response's status, text and fields")
    func response() throws {
        let head = try HTTP1HeadParser.response(Array("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\n".utf8))
        #expect(head.status == 404 && head.minorVersion == 1 && head.keepAlive && !head.isInterim)
        #expect(String(decoding: head.fields.bytes[head.statusText], as: UTF8.self) == "404 Not Found")
        let bare = try HTTP1HeadParser.response(Array("HTTP/1.0 200\r\n\r\n".utf8))
        #expect(bare.status == 200 && !bare.keepAlive)
        #expect(try HTTP1HeadParser.response(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)).isInterim)
        for bad in ["HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 abc\r\n\r\n", "HTTP/1.1 099 x\r\n\r\n", "ICY 200 OK\r\n\r\n"] {
            #expect(throws: HTTP1ParseError.self) { try HTTP1HeadParser.response(Array(bad.utf8)) }
        }
    }
}
