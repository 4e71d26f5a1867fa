import Testing
import TraceContext
import Zipkin
@testable import SpanFormats

/// Cases from zipkin2's own V1SpanConverterTest, restated: what each v1 shape becomes in v2.
@Suite("Zipkin v1 JSON decoding")
struct ZipkinV1JSONDecoderTests {
    func decode(_ json: String) throws -> [ZipkinSpan] {
        try ZipkinV1JSONDecoder().decode(Array(json.utf8))
    }

    static let frontend = #"{"serviceName":"frontend","ipv4":"127.0.0.1","port":8080}"#
    static let backend = #"{"serviceName":"backend","ipv4":"192.168.99.101","port":9000}"#

    @Test("a span shared by client and server becomes a CLIENT span and a shared SERVER span")
    func sharedSpan() throws {
        let spans = try decode("""
        [{"traceId":"7180c278b62e8f6a216a2aea45d08fc9","parentId":"6b221d5bc9e6496c","id":"5b4185666d50f68b","name":"GET",
          "timestamp":1472470996199000,"duration":207000,
          "annotations":[
            {"timestamp":1472470996199000,"value":"cs","endpoint":\(Self.frontend)},
            {"timestamp":1472470996238000,"value":"ws","endpoint":\(Self.frontend)},
            {"timestamp":1472470996250000,"value":"sr","endpoint":\(Self.backend)},
            {"timestamp":1472470996350000,"value":"ss","endpoint":\(Self.backend)},
            {"timestamp":1472470996403000,"value":"wr","endpoint":\(Self.frontend)},
            {"timestamp":1472470996406000,"value":"cr","endpoint":\(Self.frontend)}],
          "binaryAnnotations":[
            {"key":"http.path","value":"/api","endpoint":\(Self.frontend)},
            {"key":"clnt/finagle.version","value":"6.45.0","endpoint":\(Self.frontend)},
            {"key":"http.path","value":"/backend","endpoint":\(Self.backend)},
            {"key":"sa","value":true,"endpoint":\(Self.backend)},
            {"key":"ca","value":true,"endpoint":\(Self.frontend)}]}]
        """)
        #expect(spans.count == 2)
        let client = try #require(spans.first { $0.kind == .client })
        let server = try #require(spans.first { $0.kind == .server })
        #expect(client.name == "get", "v1 names are lower-cased")
        #expect(client.localServiceName == "frontend")
        #expect(client.remoteEndpoint == ZipkinEndpoint(serviceName: "backend", ipv4: "192.168.99.101", port: 9000))
        #expect(client.timestamp == 1472470996199000)
        #expect(client.duration == 207000)
        #expect(client.annotations.map(\.value) == ["ws", "wr"])
        #expect(client.tags.dictionary == ["http.path": "/api", "clnt/finagle.version": "6.45.0"])
        #expect(!client.shared)
        #expect(server.localServiceName == "backend")
        #expect(server.shared)
        #expect(server.timestamp == 1472470996250000)
        #expect(server.duration == 100000)
        #expect(server.remoteEndpoint == ZipkinEndpoint(serviceName: "frontend", ipv4: "127.0.0.1", port: 8080))
        #expect(server.tags.dictionary == ["http.path": "/backend"])
        #expect(server.parentID?.hex == "6b221d5bc9e6496c")
        #expect(server.traceID.hex == "7180c278b62e8f6a216a2aea45d08fc9")
    }

    @Test("a client-only span takes its timing from cs and cr when the span has none")
    func clientOnly() throws {
        let spans = try decode("""
        [{"traceId":"216a2aea45d08fc9","id":"5b4185666d50f68b","name":"get",
          "annotations":[{"timestamp":100,"value":"cs","endpoint":\(Self.frontend)},{"timestamp":350,"value":"cr","endpoint":\(Self.frontend)}],
          "binaryAnnotations":[{"key":"sa","value":true,"endpoint":\(Self.backend)}]}]
        """)
        let span = try #require(spans.first)
        #expect(spans.count == 1)
        #expect(span.kind == .client)
        #expect(span.timestamp == 100)
        #expect(span.duration == 250)
        #expect(span.remoteServiceName == "backend")
        #expect(span.annotations.isEmpty)
        #expect(!span.traceID.is128Bit)
    }

    @Test("a server-only span without its own timestamp was shared with the client")
    func serverOnlyShared() throws {
        let spans = try decode("""
        [{"traceId":"216a2aea45d08fc9","id":"5b4185666d50f68b","name":"get",
          "annotations":[{"timestamp":100,"value":"sr","endpoint":\(Self.backend)},{"timestamp":350,"value":"ss","endpoint":\(Self.backend)}]}]
        """)
        let span = try #require(spans.first)
        #expect(span.kind == .server)
        #expect(span.shared)
        #expect(span.timestamp == 100)
        #expect(span.duration == 250)
    }

    @Test("a server-only span with its own timestamp is not shared")
    func serverOnlyRoot() throws {
        let spans = try decode("""
        [{"traceId":"216a2aea45d08fc9","id":"5b4185666d50f68b","timestamp":100,"duration":250,
          "annotations":[{"timestamp":100,"value":"sr","endpoint":\(Self.backend)},{"timestamp":350,"value":"ss","endpoint":\(Self.backend)}]}]
        """)
        #expect(try #require(spans.first).shared == false)
    }

    @Test("client and server of one service (loopback) stay two spans")
    func loopback() throws {
        let spans = try decode("""
        [{"traceId":"216a2aea45d08fc9","id":"5b4185666d50f68b",
          "annotations":[{"timestamp":100,"value":"cs","endpoint":\(Self.frontend)},{"timestamp":150,"value":"sr","endpoint":\(Self.frontend)},
                         {"timestamp":250,"value":"ss","endpoint":\(Self.frontend)},{"timestamp":300,"value":"cr","endpoint":\(Self.frontend)}]}]
        """)
        #expect(spans.map(\.kind) == [.client, .server])
        #expect(spans[0].duration == 200)
        #expect(spans[1].duration == 100)
        #expect(spans[1].shared)
    }

    @Test("a local span: lc marker dropped, number and false values ignored, sa alone is a remote address")
    func localSpanAndBinaryAnnotations() throws {
        let spans = try decode("""
        [{"traceId":"216a2aea45d08fc9","id":"5b4185666d50f68b","name":"compute","timestamp":10,"duration":5,"debug":true,
          "annotations":[{"timestamp":12,"value":"cache miss","endpoint":\(Self.frontend)}],
          "binaryAnnotations":[{"key":"lc","value":"","endpoint":\(Self.frontend)},{"key":"count","value":3,"endpoint":\(Self.frontend)},
                               {"key":"flag","value":false,"endpoint":\(Self.frontend)},{"key":"component","value":"cache","endpoint":\(Self.frontend)},
                               {"key":"sa","value":true,"endpoint":\(Self.backend)},{"key":"ignored","value":null}]}]
        """)
        let span = try #require(spans.first)
        #expect(spans.count == 1)
        #expect(span.kind == nil)
        #expect(span.timestamp == 10)
        #expect(span.duration == 5)
        #expect(span.debug)
        #expect(span.annotations == [ZipkinAnnotation(timestamp: 12, value: "cache miss")])
        #expect(span.tags.dictionary == ["component": "cache"])
        #expect(span.remoteServiceName == "backend")
        #expect(span.localServiceName == "frontend")
    }

    @Test("short and upper-case hex ids are read as zipkin2 reads them")
    func lenientIDs() throws {
        let span = try #require(try decode(#"[{"traceId":"ABC","id":"1","parentId":"2"}]"#).first)
        #expect(span.traceID.hex == "0000000000000abc")
        #expect(span.id.hex == "0000000000000001")
        #expect(span.parentID?.hex == "0000000000000002")
    }

    @Test("errors name the span and what to fix", arguments: [
        (#"[{"id":"1"}]"#, "span has no traceId (at span 0)"),
        (#"[{"traceId":"1","id":"1"},{"traceId":"xyz","id":"1"}]"#, "traceId 'xyz' is not 1 to 32 hex digits"),
        (#"[{"traceId":"1","id":"0"}]"#, "id '0' is not 1 to 16 hex digits, not all zero"),
        (#"[{"traceId":"1","id":"1","annotations":[{"value":"cs"}]}]"#, "[0].annotations[0].timestamp: missing"),
        (#"[{"traceId":"1","id":"1","timestamp":"soon"}]"#, "[0].timestamp: expected a whole number"),
        (#"[{"traceId":"1""#, "not JSON"),
        (#"{"traceId":"1"}"#, "the body: expected an array"),
        ("", "not JSON"),
    ])
    func errors(json: String, message: String) throws {
        let error = try #require(throws: SpanFormatError.self) { try decode(json) }
        #expect(error.description.contains(message), "\(error)")
        #expect(error.description.hasPrefix("invalid Zipkin v1 JSON body: "))
    }

    @Test("an address that is not an IP literal is left out, as zipkin2's parseIp leaves it (fuzz finding)")
    func invalidAddresses() throws {
        let spans = try decode("""
        [{"traceId":"1","id":"2","annotations":[{"timestamp":1,"value":"cs","endpoint":{"serviceName":"a","ipv4":"192819..69.101","ipv6":"::::"}}],
          "binaryAnnotations":[{"key":"sa","value":true,"endpoint":{"serviceName":"b","ipv4":"+1.2.3.4","ipv6":"fe80::1"}}]}]
        """)
        let span = try #require(spans.first)
        #expect(span.localEndpoint == ZipkinEndpoint(serviceName: "a"))
        #expect(span.remoteEndpoint == ZipkinEndpoint(serviceName: "b", ipv6: "fe80::1"))
    }

    @Test("Finagle's ca with only the server's own name is no remote endpoint, not an empty one (fuzz finding)")
    func finagleClientAddressWithoutAddress() throws {
        let spans = try decode("""
        [{"traceId":"1","id":"2","annotations":[{"timestamp":1,"value":"sr","endpoint":{"serviceName":"b","ipv4":"10.0.0.1"}}],
          "binaryAnnotations":[{"key":"ca","value":true,"endpoint":{"serviceName":"b"}}]}]
        """)
        let span = try #require(spans.first)
        #expect(span.kind == .server)
        #expect(span.remoteEndpoint == nil)
    }

    @Test("an empty list is no spans")
    func empty() throws {
        #expect(try decode("[]").isEmpty)
    }
}
