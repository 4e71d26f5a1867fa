import Collector
import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SpanStore
import Testing
import Zipkin

/// The collector's HTTP surface: ingest, the Zipkin v2 query API, the verdict and the UI.
@Suite("Collector HTTP API")
struct CollectorHTTPTests {
    static let logger = Logger(label: "collector-tests")

    func withCollector(
        maxBodyBytes: Int = 1 << 20, _ body: @Sendable (any TestClientProtocol, any SpanStorage) async throws -> Void
    ) async throws {
        try await TestCollector.run(maxBodyBytes: maxBodyBytes, logger: Self.logger, body)
    }

    func json(_ response: TestResponse) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView), options: [.fragmentsAllowed])
    }

    func errorMessage(_ response: TestResponse) throws -> String {
        let object = try #require(try json(response) as? [String: String])
        return try #require(object["error"])
    }

    @Test("accepts the real Envoy and OpenTelemetry bodies with 202", arguments: [Fixtures.envoyServer, Fixtures.envoyClient, Fixtures.otel])
    func acceptsFixtures(name: String) async throws {
        let bytes = try Fixtures.bytes(name)
        let expected = try Fixtures.spans(name).count
        try await withCollector { client, store in
            let response = try await client.execute(uri: "/api/v2/spans", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: bytes))
            #expect(response.status == .accepted)
            #expect(await store.stats().spans <= expected)
            #expect(await store.stats().spans > 0)
        }
    }

    @Test("accepts a gzip body")
    func acceptsGzip() async throws {
        var plain = ByteBuffer(bytes: try Fixtures.bytes(Fixtures.otel))
        let compressed = try plain.compress(with: .gzip())
        try await withCollector { client, store in
            let response = try await client.execute(
                uri: "/api/v2/spans", method: .post, headers: [.contentType: "application/json", .contentEncoding: "gzip"], body: compressed)
            #expect(response.status == .accepted)
            #expect(await store.stats().spans == 7)
        }
    }

    @Test("bad JSON is a 400 naming the problem and byte offset, and the server keeps serving")
    func badJSON() async throws {
        try await withCollector { client, _ in
            let response = try await client.execute(uri: "/api/v2/spans", method: .post, body: ByteBuffer(string: #"[{"traceId":"zz","id":"1"}]"#))
            #expect(response.status == .badRequest)
            let message = try errorMessage(response)
            #expect(message.contains("at byte"))
            #expect(message.contains("traceId"))
            let truncated = try await client.execute(uri: "/api/v2/spans", method: .post, body: ByteBuffer(string: #"[{"traceId":"#))
            #expect(truncated.status == .badRequest)
            #expect(try errorMessage(truncated).contains("unexpected end"))
            let after = try await client.execute(uri: "/api/v2/spans", method: .post, body: ByteBuffer(bytes: ZipkinJSONEncoder().encode(Fixtures.b3Trace(1))))
            #expect(after.status == .accepted)
        }
    }

    @Test("a body over the limit is a 413, gzip or not")
    func tooLarge() async throws {
        let bytes = ZipkinJSONEncoder().encode((1...40).flatMap { Fixtures.b3Trace($0) })
        var buffer = ByteBuffer(bytes: bytes)
        let compressed = try buffer.compress(with: .gzip())
        #expect(compressed.readableBytes < 4096)
        try await withCollector(maxBodyBytes: 4096) { client, store in
            let plain = try await client.execute(uri: "/api/v2/spans", method: .post, body: ByteBuffer(bytes: bytes))
            #expect(plain.status == .contentTooLarge)
            let zipped = try await client.execute(uri: "/api/v2/spans", method: .post, headers: [.contentEncoding: "gzip"], body: compressed)
            #expect(zipped.status == .contentTooLarge)
            #expect(try errorMessage(zipped).contains("4096"))
            #expect(await store.stats().spans == 0)
        }
    }

    @Test("thrift, unknown encodings and broken gzip are refused with a reason")
    func unsupportedBodies() async throws {
        try await withCollector { client, _ in
            let thrift = try await client.execute(uri: "/api/v2/spans", method: .post, headers: [.contentType: "application/x-thrift"], body: ByteBuffer(string: "\u{0c}"))
            #expect(thrift.status == .unsupportedMediaType)
            #expect(try errorMessage(thrift).contains("JSON"))
            let brotli = try await client.execute(uri: "/api/v2/spans", method: .post, headers: [.contentEncoding: "br"], body: ByteBuffer(string: "[]"))
            #expect(brotli.status == .unsupportedMediaType)
            let fakeGzip = try await client.execute(uri: "/api/v2/spans", method: .post, headers: [.contentEncoding: "gzip"], body: ByteBuffer(string: "[]"))
            #expect(fakeGzip.status == .badRequest)
            #expect(try errorMessage(fakeGzip).contains("gzip"))
            let text = try await client.execute(uri: "/api/v2/spans", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "[]"))
            #expect(text.status == .accepted, "Zipkin reads JSON whatever the content type says")
        }
    }

    @Test("answers the Zipkin v2 query API with the spec's shapes")
    func queryAPI() async throws {
        try await withCollector { client, store in
            try await store.write(Fixtures.b3Trace(1, failing: true) + Fixtures.w3cTrace(2, at: 1000))
            let services = try await client.execute(uri: "/api/v2/services", method: .get)
            #expect(try json(services) as? [String] == ["backend", "frontend"])
            let spans = try await client.execute(uri: "/api/v2/spans?serviceName=frontend", method: .get)
            #expect(try json(spans) as? [String] == ["get /", "get /api", "get /w3c"])
            let remote = try await client.execute(uri: "/api/v2/remoteServices?serviceName=backend", method: .get)
            #expect(try json(remote) as? [String] == ["db"])
            let end = Fixtures.baseMillis + 60_000
            let traces = try await client.execute(uri: "/api/v2/traces?serviceName=backend&annotationQuery=error&endTs=\(end)&lookback=3600000", method: .get)
            #expect(traces.status == .ok)
            let list = try ZipkinJSONDecoderList.decode(traces.body)
            #expect(list.map(\.count) == [4])
            let trace = try await client.execute(uri: "/api/v2/trace/\(Fixtures.traceID(2).hex)", method: .get)
            #expect(try ZipkinJSONDecoder().decodeSpans(Array(trace.body.readableBytesView)).count == 3)
            let many = try await client.execute(uri: "/api/v2/traceMany?traceIds=\(Fixtures.traceID(1).hex),\(Fixtures.traceID(2).hex)", method: .get)
            #expect(try ZipkinJSONDecoderList.decode(many.body).map(\.count) == [4, 3])
            let deps = try await client.execute(uri: "/api/v2/dependencies?endTs=\(end)&lookback=3600000", method: .get)
            let links = try JSONDecoder().decode([DependencyLink].self, from: Data(deps.body.readableBytesView))
            #expect(links == [DependencyLink(parent: "backend", child: "db", callCount: 1, errorCount: 1),
                              DependencyLink(parent: "frontend", child: "backend", callCount: 2, errorCount: 0)])
        }
    }

    @Test("refuses bad queries with 400 and unknown traces with 404", arguments: [
        ("/api/v2/spans", 400), ("/api/v2/remoteServices", 400),
        ("/api/v2/trace/xyz", 400), ("/api/v2/trace/00000000000000aa", 404),
        ("/api/v2/traceMany?traceIds=00000000000000aa", 400), ("/api/v2/traceMany?traceIds=00000000000000aa,00000000000000aa", 400),
        ("/api/v2/traceMany?traceIds=00000000000000aa,nothex", 400),
        ("/api/v2/dependencies", 400), ("/api/v2/dependencies?endTs=-5", 400),
        ("/api/v2/traces?limit=abc", 400), ("/api/v2/traces?minDuration=10&maxDuration=5", 400),
        ("/api/v2/traces?annotationQuery=%3D5", 400), ("/api/v2/traces?limit=0", 400),
        ("/api/v2/traceMany?traceIds=00000000000000aa,00000000000000bb", 200),
        ("/api/tracelab/traces/00000000000000aa/verdict", 404), ("/api/tracelab/traces/zz/verdict", 400),
        ("/api/v2/autocompleteKeys", 200), ("/api/v2/autocompleteValues", 400),
    ])
    func badQueries(uri: String, status: Int) async throws {
        try await withCollector { client, _ in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status.code == status, "\(uri)")
            if status >= 400 { #expect(try !errorMessage(response).isEmpty) }
        }
    }

    @Test("the verdict endpoint judges a stored trace")
    func verdict() async throws {
        try await withCollector { client, store in
            try await store.write(Fixtures.w3cTrace(3))
            var broken = Fixtures.b3Trace(4)
            broken.remove(at: 1) // the frontend CLIENT span is lost: backend's SERVER has no caller
            try await store.write(broken)
            let complete = try await client.execute(uri: "/api/tracelab/traces/\(Fixtures.traceID(3).hex)/verdict", method: .get)
            let good = try #require(try json(complete) as? [String: Any])
            #expect(good["complete"] as? Bool == true)
            #expect(good["spanCount"] as? Int == 3)
            let bad = try #require(try json(try await client.execute(uri: "/api/tracelab/traces/\(Fixtures.traceID(4).hex)/verdict", method: .get)) as? [String: Any])
            #expect(bad["complete"] as? Bool == false)
            #expect((bad["findings"] as? [Any])?.isEmpty == false)
        }
    }

    @Test("serves the web UI and health")
    func ui() async throws {
        try await withCollector { client, _ in
            let index = try await client.execute(uri: "/", method: .get)
            #expect(index.status == .ok)
            #expect(index.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(String(buffer: index.body).contains("/ui/app.js"))
            let script = try await client.execute(uri: "/ui/app.js", method: .get)
            #expect(script.status == .ok)
            #expect(String(buffer: script.body).contains("/api/v2/traces"))
            #expect(try await client.execute(uri: "/ui/nothing.js", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/trace/00000000000000aa", method: .get).status == .ok)
            let health = try await client.execute(uri: "/health", method: .get)
            #expect((try json(health) as? [String: Any])?["status"] as? String == "UP")
        }
    }
}

/// Splits a Zipkin `ListOfTraces` body into traces with the span decoder.
enum ZipkinJSONDecoderList {
    static func decode(_ body: ByteBuffer) throws -> [[ZipkinSpan]] {
        let arrays = try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [Any])
        return try arrays.map { trace in
            let data = try JSONSerialization.data(withJSONObject: trace)
            return try ZipkinJSONDecoder().decodeSpans([UInt8](data))
        }
    }
}
