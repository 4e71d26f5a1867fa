import ProxyCore
import Testing
import TraceContext
import Zipkin

@Suite("Trace decisions of the sidecar")
struct TraceDeciderTests {
    let decider = TraceDecider(formats: [.b3multi, .b3single, .w3c])
    let traceID = "463ac35c9f6413ad48485a3953bb6124"

    func decide(_ side: TraceDecider.Side, _ headers: HeaderFields, rate: Double = 1.0) -> TraceDecision {
        var random = ProxyRandom(seed: 5)
        return decider.decide(side: side, headers: headers, samplingRate: rate, using: &random)
    }

    func forwarded(_ decision: TraceDecision) -> HeaderFields {
        var headers: HeaderFields = ["x-b3-traceid": "garbage", "b3": "garbage", "X-Other": "kept"]
        decider.rewrite(&headers, for: decision)
        return headers
    }

    @Test("a B3 SERVER span shares the caller's span id, keeps its parent and is marked shared")
    func b3ServerShares() {
        let decision = decide(.server, ["X-B3-TraceId": traceID, "X-B3-SpanId": "a2fb4a1d1a96d312", "X-B3-ParentSpanId": "0020000000000001", "X-B3-Sampled": "1"])
        #expect(decision.context.traceID.hex == traceID)
        #expect(decision.context.spanID.hex == "a2fb4a1d1a96d312")
        #expect(decision.context.parentSpanID?.hex == "0020000000000001")
        #expect(decision.shared && decision.sampled && !decision.debug)
        let headers = forwarded(decision)
        #expect(headers["x-b3-spanid"] == "a2fb4a1d1a96d312")
        #expect(headers["b3"] == nil, "b3 single was not in the request, so it is not written")
        #expect(headers["x-other"] == "kept")
    }

    @Test("a W3C SERVER span gets its own id whose parent is the caller's")
    func w3cServerChild() {
        let decision = decide(.server, ["traceparent": "00-\(traceID)-00f067aa0ba902b7-01"])
        #expect(decision.context.traceID.hex == traceID)
        #expect(decision.context.spanID.hex != "00f067aa0ba902b7")
        #expect(decision.context.parentSpanID?.hex == "00f067aa0ba902b7")
        #expect(!decision.shared)
        let headers = forwarded(decision)
        #expect(headers["traceparent"] == "00-\(traceID)-\(decision.context.spanID.hex)-01")
        #expect(headers["x-b3-traceid"] == traceID, "b3multi is written by default")
    }

    @Test("a CLIENT span is a new child of the context the app forwarded")
    func clientChild() {
        let decision = decide(.client, ["x-b3-traceid": traceID, "x-b3-spanid": "a2fb4a1d1a96d312", "x-b3-sampled": "1", "x-request-id": "2d6959d7-b805-4b75-a719-7ce350512fb7"])
        #expect(decision.context.parentSpanID?.hex == "a2fb4a1d1a96d312")
        #expect(decision.context.spanID.hex != "a2fb4a1d1a96d312")
        #expect(!decision.shared)
        #expect(decision.requestID == "2d6959d7-b805-4b75-a719-7ce350512fb7")
    }

    @Test("b3 single wins over the multi headers when both are present")
    func singleWins() {
        let decision = decide(.server, ["b3": "\(traceID)-00f067aa0ba902b7-1", "x-b3-traceid": "0000000000000001", "x-b3-spanid": "0000000000000002"])
        #expect(decision.context.spanID.hex == "00f067aa0ba902b7")
    }

    @Test("malformed trace headers are ignored: a new trace starts and they are not forwarded", arguments: [
        ["x-b3-traceid": "xyz", "x-b3-spanid": "a2fb4a1d1a96d312"],
        ["x-b3-traceid": "00000000000000000000000000000000", "x-b3-spanid": "a2fb4a1d1a96d312"],
        ["x-b3-traceid": "463ac35c9f6413ad"],
        ["b3": "463ac35c9f6413ad-"],
        ["traceparent": "00-zzzz-00f067aa0ba902b7-01"],
        ["X-B3-TRACEID": "463AC35C9F6413AD", "X-B3-SPANID": "A2FB4A1D1A96D312"],
    ] as [HeaderFields])
    func malformedStartsNewTrace(headers: HeaderFields) {
        let decision = decide(.server, headers)
        #expect(decision.context.parentSpanID == nil)
        #expect(!decision.shared)
        let out = forwarded(decision)
        #expect(out["x-b3-traceid"] == decision.context.traceID.hex)
        #expect(out["x-b3-traceid"] != headers["x-b3-traceid"])
    }

    @Test("header names match case-insensitively")
    func caseInsensitive() {
        let decision = decide(.server, ["X-B3-TRACEID": traceID, "x-B3-SpanID": "a2fb4a1d1a96d312"])
        #expect(decision.context.traceID.hex == traceID && decision.shared)
    }

    @Test("x-b3-flags: 1 is debug: sampled whatever the rate, and debug on the span")
    func debugFlag() {
        let decision = decide(.server, ["x-b3-traceid": traceID, "x-b3-spanid": "a2fb4a1d1a96d312", "x-b3-flags": "1"], rate: 0)
        #expect(decision.sampled && decision.debug)
        #expect(forwarded(decision)["x-b3-flags"] == "1")
    }

    @Test("a not-sampled decision is kept and propagated")
    func notSampled() {
        let decision = decide(.server, ["x-b3-traceid": traceID, "x-b3-spanid": "a2fb4a1d1a96d312", "x-b3-sampled": "0"], rate: 1)
        #expect(!decision.sampled)
        #expect(forwarded(decision)["x-b3-sampled"] == "0")
    }

    @Test("an undecided trace follows the sampling rate; an invalid x-request-id is replaced")
    func rateAndRequestID() throws {
        #expect(decide(.server, [:], rate: 0).sampled == false)
        #expect(decide(.server, [:], rate: 1).sampled == true)
        let decision = decide(.server, ["x-request-id": "not-a-uuid"])
        #expect(decision.requestID != "not-a-uuid")
        #expect((try? RequestID(decision.requestID)) != nil)
    }

    @Test("the span builder sets the sidecar tags, error on 5xx and the CLIENT's remote service")
    func spanBuilder() {
        let decision = decide(.client, ["x-b3-traceid": traceID, "x-b3-spanid": "a2fb4a1d1a96d312", "x-b3-sampled": "1"])
        let facts = SpanFacts(
            kind: .client, service: "reviews", nodeID: "reviews-v2", method: "GET", url: "http://ratings/ratings/0", path: "/ratings/0",
            statusCode: 503, upstreamCluster: "outbound|9080||ratings", peerAddress: "127.0.0.1", remoteService: "ratings",
            remoteAddress: HostPort(host: "127.0.0.1", port: 9080), startMicros: 1_700_000_000_000_000, durationMicros: 1200
        )
        let span = ProxySpanBuilder.span(facts, decision: decision)
        #expect(span.kind == .client && !span.shared)
        #expect(span.localServiceName == "reviews" && span.remoteServiceName == "ratings")
        #expect(span.parentID?.hex == "a2fb4a1d1a96d312")
        for key in ["http.method", "http.url", "http.path", "http.status_code", "guid:x-request-id", "node_id", "upstream_cluster", "peer.address", "component", "error"] {
            #expect(span.tags[key] != nil, "missing tag \(key)")
        }
        #expect(span.tags["node_id"] == "reviews-v2" && span.tags["component"] == "proxy" && span.tags["http.status_code"] == "503")
    }
}
