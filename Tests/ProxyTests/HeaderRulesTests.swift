import NIOHTTP1
import ProxyCore
import Testing
import TraceContext

@Suite("Hop-by-hop headers and the request guard")
struct HeaderRulesTests {
    @Test("strips RFC 9110 hop-by-hop headers and the names listed in Connection")
    func stripsHopByHop() {
        var headers = HTTPHeaders([
            ("Connection", "keep-alive, X-Secret"), ("Keep-Alive", "timeout=5"), ("X-Secret", "1"), ("TE", "trailers"),
            ("Upgrade", "h2c"), ("Proxy-Connection", "close"), ("Transfer-Encoding", "chunked"), ("X-B3-TraceId", "abc"), ("Host", "reviews"),
        ])
        let stripped = HopByHopHeaders.strip(&headers)
        #expect(stripped.wasChunked)
        #expect(headers.map(\.name) == ["X-B3-TraceId", "Host"])
    }

    @Test("matches names in any case, reads Connection tokens with spaces and tabs, finds chunked in a list", arguments: [
        ([("CONNECTION", " close ,\tX-Trace-Debug "), ("x-trace-debug", "1"), ("X-Keep", "k")], false, ["X-Keep"]),
        ([("transfer-ENCODING", "gzip, Chunked"), ("content-type", "text/plain")], true, ["content-type"]),
        ([("keep-alive", "timeout=5"), ("keep-alivex", "no"), ("tee", "no")], false, ["keep-alivex", "tee"]),
        ([("Connection", "Keep-Alive"), ("connection", "upgrade"), ("Upgrade", "websocket")], false, []),
    ])
    func singleScanRules(headers: [(String, String)], chunked: Bool, kept: [String]) {
        var fields = HTTPHeaders(headers)
        #expect(HopByHopHeaders.strip(&fields).wasChunked == chunked)
        #expect(fields.map(\.name) == kept)
    }

    @Test("the NIO carrier removes every listed trace header in any case, and nothing else")
    func carrierBulkRemoval() {
        var carrier = HTTPHeadersCarrier(HTTPHeaders([
            ("X-B3-TraceId", "a"), ("host", "reviews"), ("B3", "x"), ("x-b3-traceid", "b"), ("TraceParent", "t"), ("x-b3-spanidx", "keep"),
        ]))
        carrier.remove(lowercasedNames: TraceContextPropagation.headerNames(of: [.b3Multi, .b3Single, .w3c]))
        #expect(carrier.headers.map(\.name) == ["host", "x-b3-spanidx"])
        var untouched = HTTPHeadersCarrier(HTTPHeaders([("host", "a"), ("accept", "*/*")]))
        untouched.remove(lowercasedNames: ["b3", "traceparent"])
        #expect(untouched.headers.map(\.name) == ["host", "accept"])
    }

    @Test("leaves end-to-end headers alone")
    func keepsEndToEnd() {
        var headers = HTTPHeaders([("content-length", "5"), ("x-request-id", "r")])
        #expect(!HopByHopHeaders.strip(&headers).wasChunked)
        #expect(headers.count == 2)
    }

    @Test("refuses smuggling-prone and malformed heads", arguments: [
        ([("content-length", "3"), ("transfer-encoding", "chunked")], 400, "both Content-Length and Transfer-Encoding"),
        ([("content-length", "3"), ("content-length", "4")], 400, "conflicting Content-Length"),
        ([("content-length", "abc")], 400, "not a number"),
        ([("x-bad", "a\u{01}b")], 400, "invalid byte 0x1"),
        ([("bad name", "x")], 400, "header name"),
        ([("x-big", String(repeating: "a", count: 70_000))], 431, "over the limit"),
    ])
    func rejects(headers: [(String, String)], status: Int, message: String) throws {
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/", headers: HTTPHeaders(headers))
        let rejection = try #require(RequestGuard().check(head))
        #expect(Int(rejection.status.code) == status)
        #expect(rejection.message.contains(message), "\(rejection.message)")
    }

    @Test("accepts a duplicate Content-Length with the same value and ordinary requests")
    func accepts() {
        #expect(RequestGuard().check(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/", headers: ["content-length": "3", "Content-Length": "3"])) == nil)
        #expect(RequestGuard().check(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/x?y=1", headers: ["host": "a", "x-b3-sampled": "1"])) == nil)
    }
}
