@testable import Scenario
import Testing
import TraceContext
import Zipkin

@Suite("Jaeger HTTP query API backend")
struct JaegerAPIBackendTests {
    let base = "http://127.0.0.1:16686"
    let traceID = "463ac35c9f6413ad48485a3953bb6124"
    /// 2026-11-22 and a bit, in epoch microseconds: the clock the search window is built from.
    let now: UInt64 = 1_795_369_500_000_000

    func backend(_ transport: RecordedTransport) -> JaegerAPIBackend {
        let now = now
        return JaegerAPIBackend(baseURL: base, transport: transport, now: { now })
    }

    @Test("reads a trace by id from /api/traces/{id}")
    func readsTrace() async throws {
        let url = "\(base)/api/traces/\(traceID)"
        let transport = RecordedTransport([url: try BackendFixture.response("jaeger-trace-bookinfo.json")])

        let spans = try await backend(transport).trace(id: traceID)

        #expect(await transport.requested == [url])
        #expect(spans.count == 6)
        #expect(spans.filter { $0.parentID == nil }.map(\.localServiceName) == ["productpage"])
        let ids = Set(spans.map(\.id))
        #expect(spans.compactMap(\.parentID).allSatisfy { ids.contains($0) }, "every parent resolves within the trace")
    }

    @Test("an unknown trace (404 'trace not found') is empty, not an error")
    func unknownTraceIsEmpty() async throws {
        let url = "\(base)/api/traces/\(traceID)"
        let transport = RecordedTransport([url: try BackendFixture.response("jaeger-trace-not-found.json", status: 404)])
        #expect(try await backend(transport).trace(id: traceID).isEmpty)
    }

    @Test("searches one service with an absolute start/end window in microseconds")
    func searchesOneService() async throws {
        let start = now - 3_600_000_000
        let url = "\(base)/api/traces?service=productpage&start=\(start)&end=\(now)&limit=20"
        let transport = RecordedTransport([url: try BackendFixture.response("jaeger-search-productpage.json")])

        let traces = try await backend(transport).traces(serviceName: "productpage", lookback: .seconds(3600), limit: 20)

        #expect(await transport.requested == [url])
        #expect(traces.map(\.count) == [2, 2])
        #expect(traces.map { $0.first?.traceID.hex } == ["5af7183fb1d4cf5f", "9f86d081884c7d659a2feaa0c55ad015"])
    }

    @Test("without a service it lists the services, searches each and merges the traces newest first")
    func searchesEveryService() async throws {
        let start = now - 60_000_000
        let window = "start=\(start)&end=\(now)&limit=2"
        let transport = RecordedTransport([
            "\(base)/api/services": try BackendFixture.response("jaeger-services.json"),
            "\(base)/api/traces?service=details&\(window)": try BackendFixture.response("jaeger-search-details.json"),
            "\(base)/api/traces?service=productpage&\(window)": try BackendFixture.response("jaeger-search-productpage.json"),
        ])

        let traces = try await backend(transport).traces(serviceName: nil, lookback: .seconds(60), limit: 2)

        #expect(await transport.requested == [
            "\(base)/api/services",
            "\(base)/api/traces?service=details&\(window)",
            "\(base)/api/traces?service=productpage&\(window)",
        ])
        // Three distinct traces were found (one through both services); the two newest remain.
        #expect(traces.map { $0.first?.traceID.hex } == ["aa86d081884c7d659a2feaa0c55ad016", "5af7183fb1d4cf5f"])
    }

    @Test("a 400 names the URL and Jaeger's own message")
    func badRequest() async throws {
        let start = now - 1_000_000
        let url = "\(base)/api/traces?service=x&start=\(start)&end=\(now)&limit=1"
        let transport = RecordedTransport([url: try BackendFixture.response("jaeger-search-no-service.json", status: 400)])
        await #expect(throws: TraceBackendError(.unexpectedStatus(url: url, status: 400, body: "parameter 'service' is required"))) {
            try await backend(transport).traces(serviceName: "x", lookback: .seconds(1), limit: 1)
        }
    }

    @Test("a Zipkin answer at a jaeger: address is an invalid response that says what to check")
    func wrongKindOfBackend() async throws {
        let url = "\(base)/api/traces/\(traceID)"
        let transport = RecordedTransport([url: try BackendFixture.response("zipkin-trace-bookinfo.json")])
        let error = await #expect(throws: TraceBackendError.self) {
            try await backend(transport).trace(id: traceID)
        }
        guard case .invalidResponse(let failedURL, let why)? = error?.reason else {
            Issue.record("expected invalidResponse, got \(String(describing: error))")
            return
        }
        #expect(failedURL == url)
        #expect(why.hasPrefix("not a Jaeger trace list"))
        #expect(error?.description.contains("zipkin: or jaeger:") == true)
    }

    @Test("a transport failure keeps the URL")
    func unreachable() async {
        let transport = RecordedTransport()
        await #expect(throws: TraceBackendError(.unreachable(url: "\(base)/api/services", underlying: "no recorded answer for this URL"))) {
            try await backend(transport).traces(serviceName: nil, lookback: .seconds(1), limit: 1)
        }
    }

    @Test("merging drops repeats, sorts newest first and keeps the limit")
    func merging() throws {
        func trace(_ id: UInt64, start: UInt64) throws -> [ZipkinSpan] {
            let traceID = try #require(TraceID(low: id))
            let spanID = try #require(SpanID(id))
            return [ZipkinSpan(traceID: traceID, id: spanID, timestamp: start)]
        }
        let merged = JaegerAPIBackend.mergeNewestFirst(
            [try trace(1, start: 10), try trace(2, start: 30), try trace(1, start: 10), [], try trace(3, start: 20)],
            limit: 2
        )
        #expect(merged.map { $0[0].id.value } == [2, 3])
    }
}
