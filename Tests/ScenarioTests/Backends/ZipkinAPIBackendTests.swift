@testable import Scenario
import Testing
import Zipkin

@Suite("Zipkin v2 query API backend")
struct ZipkinAPIBackendTests {
    let base = "http://127.0.0.1:9411"
    let traceID = "463ac35c9f6413ad48485a3953bb6124"

    @Test("reads a trace by id from /api/v2/trace/{id}, shared SERVER spans included")
    func readsTrace() async throws {
        let url = "\(base)/api/v2/trace/\(traceID)"
        let transport = RecordedTransport([url: try BackendFixture.response("zipkin-trace-bookinfo.json")])
        let backend = ZipkinAPIBackend(baseURL: base + "/", transport: transport)

        let spans = try await backend.trace(id: traceID.uppercased())

        #expect(await transport.requested == [url])
        #expect(spans.count == 5)
        #expect(Set(spans.map(\.traceID.hex)) == [traceID])
        let shared = spans.filter(\.shared)
        #expect(shared.map(\.localServiceName) == ["reviews", "ratings"])
        #expect(shared.allSatisfy { $0.kind == .server })
        #expect(spans.filter { $0.parentID == nil }.map(\.localServiceName) == ["productpage"])
    }

    @Test("pads a short id to the 16-digit form Zipkin stores")
    func padsShortID() throws {
        let backend = ZipkinAPIBackend(baseURL: base, transport: RecordedTransport())
        #expect(try backend.traceURL(id: "abc") == "\(base)/api/v2/trace/0000000000000abc")
        #expect(try backend.traceURL(id: "1" + String(repeating: "0", count: 16)) == "\(base)/api/v2/trace/" + String(repeating: "0", count: 15) + "1" + String(repeating: "0", count: 16))
    }

    @Test("an unknown trace is empty, not an error")
    func unknownTraceIsEmpty() async throws {
        let url = "\(base)/api/v2/trace/\(traceID)"
        let transport = RecordedTransport([url: TraceBackendResponse(status: 404, body: Array("Trace 463ac35c9f6413ad48485a3953bb6124 not found".utf8))])
        let spans = try await ZipkinAPIBackend(baseURL: base, transport: transport).trace(id: traceID)
        #expect(spans.isEmpty)
    }

    @Test("rejects a malformed id before asking the server", arguments: ["", "xyz", String(repeating: "a", count: 33), "463ac35c-9f64"])
    func rejectsBadID(id: String) async {
        let transport = RecordedTransport()
        await #expect(throws: TraceBackendError(.invalidTraceID(id))) {
            try await ZipkinAPIBackend(baseURL: base, transport: transport).trace(id: id)
        }
        #expect(await transport.requested.isEmpty)
    }

    @Test("searches /api/v2/traces with the service, lookback in ms and limit")
    func searches() async throws {
        let url = "\(base)/api/v2/traces?serviceName=productpage&lookback=900000&limit=10"
        let transport = RecordedTransport([url: try BackendFixture.response("zipkin-traces-productpage.json")])
        let backend = ZipkinAPIBackend(baseURL: base, transport: transport)

        let traces = try await backend.traces(serviceName: "ProductPage", lookback: .seconds(900), limit: 10)

        #expect(await transport.requested == [url])
        #expect(traces.map(\.count) == [2, 5])
        #expect(traces.map { $0.first?.traceID.hex } == ["5af7183fb1d4cf5f", traceID])
    }

    @Test("searches every service when none is given, escaping nothing it need not")
    func searchesAllServices() {
        let backend = ZipkinAPIBackend(baseURL: base, transport: RecordedTransport())
        #expect(backend.tracesURL(serviceName: nil, lookback: .milliseconds(1500), limit: 0) == "\(base)/api/v2/traces?lookback=1500&limit=1")
        #expect(backend.tracesURL(serviceName: "a b&c", lookback: .seconds(1), limit: 5) == "\(base)/api/v2/traces?serviceName=a%20b%26c&lookback=1000&limit=5")
    }

    @Test("names the URL and status when the server fails")
    func failingStatus() async throws {
        let url = "\(base)/api/v2/trace/\(traceID)"
        let transport = RecordedTransport([url: TraceBackendResponse(status: 500, body: Array("  storage is down\n".utf8))])
        let error = await #expect(throws: TraceBackendError.self) {
            try await ZipkinAPIBackend(baseURL: base, transport: transport).trace(id: traceID)
        }
        #expect(error?.reason == .unexpectedStatus(url: url, status: 500, body: "storage is down"))
        #expect(error?.description == "trace backend answered HTTP 500 for \(url): storage is down")
    }

    @Test("a body that is not Zipkin JSON is an invalid response naming the URL and the offset")
    func invalidBody() async throws {
        let url = "\(base)/api/v2/trace/\(traceID)"
        // What a Jaeger query service answers: the wrong kind of backend.
        let transport = RecordedTransport([url: try BackendFixture.response("jaeger-trace-bookinfo.json")])
        let error = await #expect(throws: TraceBackendError.self) {
            try await ZipkinAPIBackend(baseURL: base, transport: transport).trace(id: traceID)
        }
        guard case .invalidResponse(let failedURL, let why)? = error?.reason else {
            Issue.record("expected invalidResponse, got \(String(describing: error))")
            return
        }
        #expect(failedURL == url)
        #expect(why.contains("not a Zipkin v2 span list"))
        #expect(why.contains("at byte 0"))
    }

    @Test("a list of traces decodes empty lists and reports where a nested list breaks")
    func traceListDecoding() throws {
        let decoder = ZipkinJSONDecoder()
        #expect(try decoder.decodeTraceList(Array(" [ ] ".utf8)).isEmpty)
        #expect(try decoder.decodeTraceList(Array("[[],[]]".utf8)) == [[], []])
        #expect(throws: ZipkinDecodingError.self) { try decoder.decodeTraceList(Array("[[]".utf8)) }
        #expect(throws: ZipkinDecodingError(.trailingBytes, offset: 5)) { try decoder.decodeTraceList(Array("[[]] x".utf8)) }
        #expect(throws: ZipkinDecodingError.self) { try decoder.decodeTraceList(Array("[{\"traceId\":\"1\",\"id\":\"2\"}]".utf8)) }
    }
}
