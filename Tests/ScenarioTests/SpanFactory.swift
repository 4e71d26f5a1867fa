import LabModel
import TraceContext
import Zipkin
@testable import ScenarioModel

/// Builds the sidecar spans a bookinfo or chain request leaves, with knobs for each planted
/// bug, so assertion tests read like the lesson they check.
struct SpanFactory {
    var next: UInt64 = 1
    var time: UInt64 = 1_700_000_000_000_000

    mutating func id() -> SpanID {
        defer { next += 1 }
        return SpanID(next) ?? SpanID(1)!
    }

    static func trace(_ value: UInt64) -> TraceID { TraceID(low: value) ?? TraceID(low: 1)! }

    mutating func span(_ trace: TraceID, id: SpanID, parent: SpanID?, kind: ZipkinSpan.Kind, node: String, remote: String? = nil,
                       requestID: String, duration: UInt64 = 1_000, status: String = "200", shared: Bool = false, debug: Bool = false) -> ZipkinSpan {
        let service = ServiceInstance(nodeID: node)?.service.rawValue ?? node
        var tags: ZipkinTags = ["node_id": node, "component": "proxy", "guid:x-request-id": requestID, "http.status_code": status]
        if status.hasPrefix("5") { tags["error"] = "true" }
        time += 10
        return ZipkinSpan(traceID: trace, id: id, parentID: parent, name: "GET", kind: kind, timestamp: time, duration: duration,
                          localEndpoint: ZipkinEndpoint(serviceName: service), remoteEndpoint: remote.map { ZipkinEndpoint(serviceName: $0) },
                          tags: tags, debug: debug, shared: shared)
    }

    /// One call `caller -> callee` below `parent`: CLIENT on the caller, SERVER (shared, B3) on the callee.
    mutating func call(_ trace: TraceID, from parent: SpanID, caller: String, callee: String, requestID: String,
                       w3c: Bool = false, duration: UInt64 = 1_000, status: String = "200", serverTrace: TraceID? = nil) -> (client: ZipkinSpan, server: ZipkinSpan?) {
        let clientID = id()
        let client = span(trace, id: clientID, parent: parent, kind: .client, node: caller, remote: ServiceInstance(nodeID: callee)?.service.rawValue,
                          requestID: requestID, duration: duration, status: status)
        if status != "200" { return (client, nil) }
        let server = w3c
            ? span(serverTrace ?? trace, id: id(), parent: clientID, kind: .server, node: callee, requestID: requestID, duration: duration)
            : span(serverTrace ?? trace, id: clientID, parent: parent, kind: .server, node: callee, requestID: requestID, duration: duration, shared: true)
        return (client, server)
    }

    /// A full bookinfo request through `reviews`.
    /// - brokenAt: "reviews" starts a new trace for the ratings call (drop-b3 keeps the request id,
    ///   drop-all changes it).
    mutating func bookinfo(trace number: UInt64, requestID: String, reviews: String = "reviews-v2", dropB3AtReviews: Bool = false,
                           dropAllAtReviews: Bool = false, ratingsDelay: UInt64 = 1_000, ratingsStatus: String = "200", w3c: Bool = false) -> [ZipkinSpan] {
        let trace = Self.trace(number)
        let rootID = id()
        var spans: [ZipkinSpan] = []
        let details = call(trace, from: rootID, caller: "productpage-v1", callee: "details-v1", requestID: requestID, w3c: w3c)
        spans += [details.client] + (details.server.map { [$0] } ?? [])
        let reviewsCall = call(trace, from: rootID, caller: "productpage-v1", callee: reviews, requestID: requestID, w3c: w3c, duration: ratingsDelay + 2_000)
        spans += [reviewsCall.client] + (reviewsCall.server.map { [$0] } ?? [])
        if reviews != "reviews-v1", let reviewsServer = reviewsCall.server {
            let serverSpanID = reviewsServer.id
            if dropB3AtReviews || dropAllAtReviews {
                let newTrace = Self.trace(number + 1_000_000)
                let newRequestID = dropAllAtReviews ? requestID + "-new" : requestID
                let clientID = id()
                let client = span(newTrace, id: clientID, parent: nil, kind: .client, node: reviews, remote: "ratings", requestID: newRequestID)
                let server = span(newTrace, id: clientID, parent: nil, kind: .server, node: "ratings-v1", requestID: newRequestID, shared: true)
                spans += [client, server]
            } else {
                let ratings = call(trace, from: serverSpanID, caller: reviews, callee: "ratings-v1", requestID: requestID, w3c: w3c,
                                   duration: ratingsDelay, status: ratingsStatus)
                spans += [ratings.client] + (ratings.server.map { [$0] } ?? [])
            }
        }
        let root = span(trace, id: rootID, parent: nil, kind: .server, node: "productpage-v1", requestID: requestID, duration: ratingsDelay + 5_000)
        return [root] + spans
    }
}

func request(_ index: Int, status: Int? = 200, latencyMs: UInt64 = 10, traceID: String? = nil, debug: Bool = false) -> RecordedRequest {
    RecordedRequest(index: index, requestID: "req-\(index)", traceID: traceID, status: status, failure: status == nil ? "connection refused" : nil,
                    latencyMicros: latencyMs * 1_000, startMicros: 0, debug: debug)
}
