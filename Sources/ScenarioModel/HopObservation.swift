import LabModel
import Zipkin

/// How one call of one request crossed a hop, read from the request's spans (across all the
/// traces it ended up in): did the caller's CLIENT span stay in the caller's trace, did the
/// callee's SERVER span join it, and did x-request-id survive.
public struct HopObservation: Hashable, Sendable {
    public var hop: HopName
    /// The caller's SERVER span (the request's entry into the caller).
    public var callerServer: ZipkinSpan?
    /// The caller sidecar's CLIENT span for the call; nil when it could not be found among
    /// the request's spans (it went to a trace with another request id).
    public var client: ZipkinSpan?
    /// The callee's SERVER span joined to `client`.
    public var server: ZipkinSpan?

    /// The CLIENT span descends from the caller's SERVER span in the same trace.
    public var joinedToCaller: Bool
    /// The callee's SERVER span joined the CLIENT span.
    public var serverJoined: Bool { server != nil }

    /// x-request-id on the caller's SERVER span equals the one on the CLIENT span.
    public var sameRequestID: Bool? {
        // A call that could not be attributed to the request by trace id nor by request id
        // lost both.
        if client == nil, callerServer != nil { return false }
        guard let a = callerServer?.tags[Self.requestIDTag], let b = client?.tags[Self.requestIDTag] else { return nil }
        return a == b
    }

    /// B3 when the SERVER span shares the CLIENT span's id, W3C when it is its child.
    public var format: HopPropagationExpectation.FormatCheck? {
        guard let client, let server else { return nil }
        return server.id == client.id ? .b3 : .w3c
    }

    /// Why the hop broke, nil when it did not.
    public var breakCause: BreakCause? {
        if !joinedToCaller {
            return sameRequestID == true ? .missingB3 : .missingHeaders
        }
        if client != nil, !serverJoined { return .serverNotJoined }
        return nil
    }

    /// The hop with the caller's version as the spans show it (`reviews-v2 -> ratings`).
    public var nodeHop: HopName {
        let node = (callerServer ?? client)?.tags["node_id"].flatMap(NodeName.init)
        return HopName(caller: node ?? hop.caller, callee: NodeName(service: hop.callee.service))
    }

    /// The trace the caller side is in (where a report points a student).
    public var traceID: String? { (callerServer ?? client)?.traceID.hex }

    static let requestIDTag = "guid:x-request-id"

    /// Every crossing of `hop` in one request's spans. A caller SERVER span whose version
    /// makes the call but has no CLIENT span in these spans yields an observation with
    /// `client == nil` (the call left in a trace that could not be attributed).
    ///
    /// `expectServer` is false when the callee may legitimately have no SERVER span (abort).
    public static func observe(_ hop: HopName, in spans: [ZipkinSpan]) -> [HopObservation] {
        let index = SpanIndex(spans)
        var result: [HopObservation] = []
        var callersSeen: Set<SpanKey> = []
        let clients = spans.filter {
            $0.kind == .client && hop.caller.matches(service: $0.localServiceName, nodeID: $0.tags["node_id"])
                && $0.calleeServiceName == hop.callee.service.rawValue
        }
        for client in clients {
            let callerServer = index.serverAncestor(of: client, service: hop.caller)
            if let callerServer { callersSeen.insert(SpanKey(callerServer)) }
            let fallbackCaller = callerServer ?? spans.first { span in
                span.kind == .server && hop.caller.matches(service: span.localServiceName, nodeID: span.tags["node_id"])
            }
            if let fallbackCaller { callersSeen.insert(SpanKey(fallbackCaller)) }
            let server = index.joinedServer(of: client, service: hop.callee)
            result.append(HopObservation(hop: hop, callerServer: fallbackCaller, client: client, server: server, joinedToCaller: callerServer != nil))
        }
        // Caller SERVER spans that should have made the call but show no CLIENT span for it.
        for span in spans where span.kind == .server && hop.caller.matches(service: span.localServiceName, nodeID: span.tags["node_id"]) {
            guard !callersSeen.contains(SpanKey(span)) else { continue }
            let makesCall: Bool
            if let node = span.tags["node_id"], let instance = ServiceInstance(nodeID: node) {
                makesCall = LabTopology.calls(madeBy: instance).contains { $0.callee == hop.callee.service }
            } else {
                makesCall = false
            }
            if makesCall, !clients.contains(where: { $0.traceID == span.traceID }) {
                result.append(HopObservation(hop: hop, callerServer: span, client: nil, server: nil, joinedToCaller: false))
            }
        }
        return result
    }
}

/// A span's identity within a trace: ids repeat across a shared CLIENT/SERVER pair.
struct SpanKey: Hashable {
    var traceID: String
    var id: UInt64
    var kind: String
    init(_ span: ZipkinSpan) {
        traceID = span.traceID.hex
        id = span.id.value
        kind = span.kind?.rawValue ?? ""
    }
}

/// Spans by trace and id, for walking parent links.
struct SpanIndex {
    var byID: [String: [UInt64: [ZipkinSpan]]] = [:]

    init(_ spans: [ZipkinSpan]) {
        for span in spans { byID[span.traceID.hex, default: [:]][span.id.value, default: []].append(span) }
    }

    func spans(trace: String, id: UInt64) -> [ZipkinSpan] { byID[trace]?[id] ?? [] }

    /// The nearest SERVER span of `service` above `span` in its trace.
    func serverAncestor(of span: ZipkinSpan, service: NodeName) -> ZipkinSpan? {
        let trace = span.traceID.hex
        var next = span.parentID
        var steps = 0
        while let id = next, steps < 64 {
            steps += 1
            let candidates = spans(trace: trace, id: id.value)
            if let server = candidates.first(where: { $0.kind == .server }) {
                if service.matches(service: server.localServiceName, nodeID: server.tags["node_id"]) { return server }
                // Another service's SERVER span: the CLIENT span is not the caller's.
                if server.localServiceName != service.service.rawValue { return nil }
                next = server.parentID
            } else if let other = candidates.first {
                next = other.parentID
            } else {
                return nil
            }
        }
        return nil
    }

    /// The SERVER span of `service` that continues `client`: sharing its id (B3) or its child (W3C).
    func joinedServer(of client: ZipkinSpan, service: NodeName) -> ZipkinSpan? {
        let trace = client.traceID.hex
        let isCallee = { (span: ZipkinSpan) in
            span.kind == .server && service.matches(service: span.localServiceName, nodeID: span.tags["node_id"])
        }
        if let shared = spans(trace: trace, id: client.id.value).first(where: isCallee) { return shared }
        return byID[trace]?.values.lazy.flatMap { $0 }.first { isCallee($0) && $0.parentID == client.id }
    }

    /// The SERVER span that is the service-level parent of `server` (through the CLIENT span
    /// that called it), for shape checks.
    func callerServer(of server: ZipkinSpan) -> ZipkinSpan? {
        let trace = server.traceID.hex
        let client: ZipkinSpan?
        if let shared = spans(trace: trace, id: server.id.value).first(where: { $0.kind == .client }) {
            client = shared
        } else if let parent = server.parentID {
            client = spans(trace: trace, id: parent.value).first(where: { $0.kind == .client })
        } else {
            client = nil
        }
        guard let client else { return nil }
        var next = client.parentID
        var steps = 0
        while let id = next, steps < 64 {
            steps += 1
            let candidates = spans(trace: trace, id: id.value)
            if let found = candidates.first(where: { $0.kind == .server }) { return found }
            next = candidates.first?.parentID
        }
        return nil
    }
}
