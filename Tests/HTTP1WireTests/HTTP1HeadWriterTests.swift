import HTTP1Wire
import Testing

@Suite("Forwarded heads")
struct HTTP1HeadWriterTests {
    static func written(_ fields: String, _ edit: (inout HTTP1HeadWriter) -> Void = { _ in }) throws -> String {
        let head = try HTTP1HeadParser.request(Array("GET / HTTP/1.1\r\n\(fields)\r\n".utf8))
        var writer = HTTP1HeadWriter()
        edit(&writer)
        var output = Array("GET / HTTP/1.1\r\n".utf8)
        writer.write(fields: head.fields, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    @Test("drops hop-by-hop fields and the names Connection lists, keeps the rest byte for byte")
    func hopByHop() throws {
        let text = try Self.written("Connection: keep-alive, X-Secret\r\nKeep-Alive: timeout=5\r\nX-Secret: 1\r\nTE: trailers\r\nUpgrade: h2c\r\nProxy-Connection: close\r\nX-B3-TraceId:  abc \r\nHost: reviews\r\n")
        #expect(text == "GET / HTTP/1.1\r\nX-B3-TraceId:  abc \r\nHost: reviews\r\n\r\n")
    }

    @Test("Connection cannot remove the framing headers or Host; Transfer-Encoding stays unless the framing is dropped")
    func framingProtected() throws {
        let fields = "Connection: Content-Length, Transfer-Encoding, Host\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
        #expect(try Self.written(fields) == "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(try Self.written(fields) { $0.dropTransferEncoding = true } == "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    }

    @Test("set replaces every received field of the name in any case; remove drops them")
    func setAndRemove() throws {
        let text = try Self.written("X-Request-Id: old\r\nb3: 1\r\nx-request-ID: older\r\nAccept: */*\r\n") { writer in
            writer.set("x-request-id", "new")
            writer.remove("b3")
            writer.set("traceparent", "t1")
            writer.set("traceparent", "t2")
        }
        #expect(text == "GET / HTTP/1.1\r\nAccept: */*\r\nx-request-id: new\r\ntraceparent: t2\r\n\r\n")
    }

    @Test("removing trace headers drops every one of them in any case, and nothing else")
    func bulkRemoval() throws {
        let text = try Self.written("X-B3-TraceId: a\r\nhost: reviews\r\nB3: x\r\nx-b3-traceid: b\r\nTraceParent: t\r\nx-b3-spanidx: keep\r\n") { writer in
            for name in ["x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags", "b3", "traceparent", "tracestate"] {
                writer.remove(name)
            }
        }
        #expect(text == "GET / HTTP/1.1\r\nhost: reviews\r\nx-b3-spanidx: keep\r\n\r\n")
    }

    @Test("a written head parses again to the same kept fields")
    func roundTrip() throws {
        let text = try Self.written("Host: a\r\nX-A: 1\r\nConnection: close\r\n") { $0.set("x-request-id", "r") }
        let again = try HTTP1HeadParser.request(Array(text.utf8))
        #expect(again.fields.fields.indices.map { again.fields.name(at: $0) } == ["Host", "X-A", "x-request-id"])
    }
}
