import AsyncHTTPClient
import Collector
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Scenario
import Testing
import Zipkin

/// The trace backends over real HTTP on 127.0.0.1 (port 0): `zipkin:` against TraceLab's own
/// collector, `jaeger:` against a server replaying recorded Jaeger query-API answers.
@Suite("trace backends over HTTP")
struct TraceBackendLiveTests {
    static let fixtures = "Tests/ScenarioTests/Backends/Fixtures/"
    let logger = Logger(label: "test.backends")

    static func fixture(_ name: String) throws -> ByteBuffer {
        ByteBuffer(string: try DeployFiles.text(fixtures + name))
    }

    @Test("zipkin: reads back what TraceLab's collector stored, and nothing for an unknown id")
    func zipkinAgainstCollector() async throws {
        let spans = try ZipkinJSONDecoder().decodeSpans(try DeployFiles.text(Self.fixtures + "zipkin-trace-bookinfo.json"))
        let app = try buildCollectorApplication(configuration: CollectorConfiguration(port: 0), logger: logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let base = "http://127.0.0.1:\(port)"
            var post = HTTPClientRequest(url: base + "/api/v2/spans")
            post.method = .POST
            post.headers.add(name: "Content-Type", value: "application/json")
            post.body = .bytes(ByteBuffer(bytes: ZipkinJSONEncoder().encode(spans)))
            let posted = try await HTTPClient.shared.execute(post, timeout: .seconds(10))
            #expect(posted.status.code == 202)

            let backend = try TraceBackendAddress.parse("zipkin:\(base)/api/v2/spans").makeBackend(httpClient: .shared)
            let traceID = spans[0].traceID.hex
            // The collector answers 202 once the spans are stored.
            let read = try await backend.trace(id: traceID)
            #expect(Set(read) == Set(spans))
            #expect(try await backend.trace(id: "00000000000000000000000000000abc").isEmpty)
            let recent = try await backend.traces(serviceName: "productpage", lookback: .seconds(86_400 * 365 * 10), limit: 10)
            #expect(recent.map { $0.first?.traceID.hex } == [traceID])
        }
    }

    @Test("jaeger: reads and maps recorded query-API answers served over HTTP")
    func jaegerOverHTTP() async throws {
        let router = Router()
        router.get("/api/traces/{id}") { _, context -> Response in
            let known = context.parameters.get("id") == "463ac35c9f6413ad48485a3953bb6124"
            return Response(
                status: known ? .ok : .notFound,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: try Self.fixture(known ? "jaeger-trace-bookinfo.json" : "jaeger-trace-not-found.json"))
            )
        }
        router.get("/api/traces") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: try Self.fixture("jaeger-search-productpage.json")))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let backend = JaegerAPIBackend(baseURL: "http://127.0.0.1:\(port)", httpClient: .shared)
            let spans = try await backend.trace(id: "463AC35C9F6413AD48485A3953BB6124")
            #expect(spans.count == 6)
            #expect(Set(spans.compactMap(\.localServiceName)) == ["productpage", "reviews", "ratings"])
            #expect(try await backend.trace(id: "0000000000000001").isEmpty)
            let traces = try await backend.traces(serviceName: "productpage", lookback: .seconds(3600), limit: 20)
            #expect(traces.count == 2)
        }
    }

    @Test("a backend that is not listening is an unreachable error naming the URL")
    func unreachable() async throws {
        // A port that was just free: bind a server on port 0, note the port, stop it. AsyncHTTPClient
        // retries a refused connection until the deadline, so the timeout is kept short.
        let app = Application(router: Router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        let freePort = try await app.test(.live) { client in try #require(client.port) }
        let backend = ZipkinAPIBackend(baseURL: "http://127.0.0.1:\(freePort)", httpClient: .shared, timeout: .seconds(1))
        let url = "http://127.0.0.1:\(freePort)/api/v2/trace/0000000000000001"
        await #expect {
            try await backend.trace(id: "1")
        } throws: { error in
            guard let error = error as? TraceBackendError, case .unreachable(let failed, _) = error.reason else { return false }
            return failed == url && error.description.contains("is it running")
        }
    }
}
