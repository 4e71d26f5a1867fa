import HTTP1Wire
import Testing

@Suite("Reading one response on a client connection")
struct HTTP1ResponseReaderTests {
    /// Feeds `text` in pieces of `piece` bytes; returns the progress after the last piece fed
    /// (feeding stops at the first complete).
    static func read(_ text: String, piece: Int, head: Bool = false) throws(HTTP1ParseError) -> HTTP1ResponseReader.Progress {
        var reader = HTTP1ResponseReader(requestWasHEAD: head)
        let bytes = Array(text.utf8)
        var offset = 0
        var progress = HTTP1ResponseReader.Progress.needMore
        repeat {
            let end = min(offset + piece, bytes.count)
            progress = try bytes[offset..<end].withUnsafeBytes { raw in
                Result { () throws(HTTP1ParseError) in try reader.consume(raw) }
            }.get()
            offset = end
        } while offset < bytes.count && progress == .needMore
        return progress
    }

    @Test("a response completes where its body ends, whatever the pieces", arguments: [1, 2, 7, 1000])
    func completes(piece: Int) throws {
        let cases: [(String, HTTP1ResponseReader.Progress)] = [
            ("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n", .complete(status: 202, reusable: true)),
            ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", .complete(status: 200, reusable: true)),
            ("HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", .complete(status: 500, reusable: true)),
            ("HTTP/1.1 204 No Content\r\n\r\n", .complete(status: 204, reusable: true)),
            ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", .complete(status: 200, reusable: false)),
            ("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", .complete(status: 200, reusable: false)),
            ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", .complete(status: 200, reusable: true)),
            // Interim heads are skipped; the final head counts.
            ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 1\r\n\r\nx",
             .complete(status: 202, reusable: true)),
        ]
        for (text, expected) in cases {
            #expect(try Self.read(text, piece: piece) == expected, "\(text.debugDescription)")
        }
    }

    @Test("a HEAD response has no body whatever its Content-Length")
    func headResponse() throws {
        #expect(try Self.read("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", piece: 4, head: true) == .complete(status: 200, reusable: true))
    }

    @Test("bytes after the response make the connection unfit for another request")
    func trailingBytes() throws {
        #expect(try Self.read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA", piece: 1000) == .complete(status: 200, reusable: false))
        #expect(try Self.read("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1", piece: 1000) == .complete(status: 204, reusable: false))
    }

    @Test("an incomplete response needs more; a close completes only a body without a length")
    func closes() throws {
        var reader = HTTP1ResponseReader()
        #expect(reader.connectionClosed() == nil)
        #expect(!reader.receivedAny)
        let partial = Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel".utf8)
        #expect(try partial.withUnsafeBytes { try reader.consume($0) } == .needMore)
        #expect(reader.receivedAny)
        #expect(reader.connectionClosed() == nil)

        var untilClose = HTTP1ResponseReader()
        let bytes = Array("HTTP/1.1 200 OK\r\n\r\nall of it".utf8)
        #expect(try bytes.withUnsafeBytes { try untilClose.consume($0) } == .needMore)
        #expect(untilClose.connectionClosed() == .complete(status: 200, reusable: false))
    }

    @Test("malformed responses are errors that name the problem")
    func malformed() {
        let cases: [(String, String)] = [
            ("HTTP/1.1 2x0 OK\r\n\r\n", "malformed status line"),
            ("SPDY/3 200 OK\r\n\r\n", "malformed status line"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting Content-Length"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk"),
            ("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "header"),
        ]
        for (text, words) in cases {
            do {
                let progress = try Self.read(text, piece: 1000)
                Issue.record("\(text.debugDescription) read as \(progress)")
            } catch {
                #expect(error.description.contains(words), "\(text.debugDescription): \(error)")
            }
        }
    }

    @Test("a head longer than the limit is refused")
    func headLimit() {
        var reader = HTTP1ResponseReader(maxHeadBytes: 64)
        let bytes = Array(("HTTP/1.1 200 OK\r\nX-Long: " + String(repeating: "a", count: 100)).utf8)
        #expect(throws: HTTP1ParseError(.headTooLarge(limit: 64))) {
            try bytes.withUnsafeBytes { try reader.consume($0) }
        }
    }
}
