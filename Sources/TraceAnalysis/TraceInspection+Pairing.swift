import TraceContext
import Zipkin

/// CLIENT/SERVER pairing per hop, and the list of hops.
extension TraceInspection {
    /// Marks which CLIENT spans were answered, reports those that were not and SERVER spans
    /// without their CLIENT, and returns every hop in time order.
    mutating func checkPairing() -> [TraceHop] {
        answered = [Bool](repeating: false, count: spans.count)
        // Children before parents, so an egress chain (app CLIENT → sidecar CLIENT) resolves.
        for index in tree.depthFirst().reversed() where spans[index].kind == .client {
            let span = spans[index]
            answered[index] = options.uninstrumentedServices.contains(span.calleeGuess)
                || tree.children[index].contains { child in
                    let childSpan = spans[child]
                    if childSpan.kind == .server || childSpan.kind == .consumer { return true }
                    if isEgressHop(child, under: index) { return answered[child] }
                    // The callee's own local span continues the trace even without a SERVER
                    // span; its CLIENT span hanging here means its SERVER span is missing.
                    return childSpan.kind != .client && childSpan.localServiceName != span.localServiceName
                }
        }

        var serversPerID: [SpanID: Int] = [:]
        for span in spans where span.kind == .server { serversPerID[span.id, default: 0] += 1 }
        var hops: [TraceHop] = []
        for index in spans.indices {
            let span = spans[index]
            switch span.kind {
            case .client:
                // The deepest CLIENT of an egress chain names the hop; the app's own CLIENT
                // span above it is the same call.
                if tree.children[index].contains(where: { isEgressHop($0, under: index) }) { continue }
                hops.append(hop(client: index))
                if !answered[index] { reportUnanswered(index) }
            case .server:
                guard let parent = tree.parents[index] else { continue }
                let parentSpan = spans[parent]
                if parentSpan.kind == .client || parentSpan.localServiceName == span.localServiceName { continue }
                // A second SERVER span with the caller's id is reported as a duplicate id.
                if serversPerID[span.id, default: 0] > 1 { continue }
                hops.append(TraceHop(
                    caller: parentSpan.nodeLabel, callerService: parentSpan.serviceLabel, callerNode: parentSpan.nodeID,
                    callee: span.serviceLabel, calleeNode: span.nodeID, serverSpanID: span.id.hex,
                    statusCode: span.statusCode, error: span.isError, timestamp: starts[index], durationMicroseconds: span.duration
                ))
                reportCallerMissing(index, parent: parent)
            default:
                continue
            }
        }
        return hops.sorted { ($0.timestamp ?? 0) < ($1.timestamp ?? 0) }
    }

    /// A CLIENT span under a CLIENT span of the same service, or a sidecar's CLIENT span under
    /// an app's CLIENT span (an egress sidecar reporting under its own name, as Envoy does):
    /// the app's span of a call and its sidecar's span of the same call. Two sidecars' CLIENT
    /// spans never chain directly: that is a call whose SERVER span is missing in between.
    func isEgressHop(_ child: Int, under parent: Int) -> Bool {
        let childSpan = spans[child]
        let parentSpan = spans[parent]
        guard childSpan.kind == .client, parentSpan.kind == .client else { return false }
        if childSpan.localServiceName == parentSpan.localServiceName { return true }
        return childSpan.isProxySpan && !parentSpan.isProxySpan
    }

    private func hop(client index: Int) -> TraceHop {
        let span = spans[index]
        let server = serverChild(of: index)
        return TraceHop(
            caller: span.nodeLabel, callerService: span.serviceLabel, callerNode: span.nodeID,
            callee: callee(ofClient: index), calleeNode: server.flatMap { spans[$0].nodeID },
            clientSpanID: span.id.hex, serverSpanID: server.map { spans[$0].id.hex },
            shared: server.map { spans[$0].id == span.id } ?? false,
            statusCode: span.statusCode ?? server.flatMap { spans[$0].statusCode },
            error: span.isError || (server.map { spans[$0].isError } ?? false),
            timestamp: starts[index], durationMicroseconds: span.duration
        )
    }

    private mutating func reportUnanswered(_ index: Int) {
        let span = spans[index]
        let callee = span.calleeGuess
        let hop = "\(span.nodeLabel) -> \(callee)"
        if span.isError {
            let status = span.statusCode.map { " with status \($0)" } ?? ""
            let detail = span.tags["error"].flatMap { $0.isEmpty || $0 == "true" ? nil : " (\($0))" } ?? ""
            add(TraceFinding(
                kind: .upstreamFailure, severity: .info, hop: hop,
                cause: "\(span.nodeLabel)'s call to \(callee) failed\(status)\(detail): \(Self.failureReason(span)), so \(callee) has no span for it. The trace is still whole.",
                code: .upstreamFailed, spanIDs: [span.id.hex]
            ))
            return
        }
        let requestID = span.requestID.map { " (x-request-id \($0))" } ?? ""
        add(TraceFinding(
            kind: .unansweredClient, severity: .error, hop: hop,
            cause: "\(span.nodeLabel) called \(callee)\(requestID) but \(callee) reported no SERVER span in this trace: its sidecar did not continue the trace (it could not read the headers and started a new trace) or its span was lost.",
            code: .missingSpan, spanIDs: [span.id.hex], brokenLink: true
        ))
    }

    private mutating func reportCallerMissing(_ index: Int, parent: Int) {
        let span = spans[index]
        let parentSpan = spans[parent]
        let hop = "\(parentSpan.nodeLabel) -> \(span.serviceLabel)"
        if span.shared {
            add(TraceFinding(
                kind: .callerMissing, severity: .error, hop: hop,
                cause: "\(span.serviceLabel)'s SERVER span shares its id with a CLIENT span of \(parentSpan.nodeLabel) that was never reported: the caller's sidecar dropped or has not sent its CLIENT span.",
                code: .missingSpan, spanIDs: [span.id.hex], brokenLink: true
            ))
        } else {
            add(TraceFinding(
                kind: .callerMissing, severity: .error, hop: hop,
                cause: "\(span.serviceLabel) was called straight from \(parentSpan.nodeLabel)'s span, with no CLIENT span between: the \(parentSpan.serviceLabel) app called \(span.serviceLabel) directly instead of through its sidecar's outbound listener.",
                code: .bypassedSidecar, spanIDs: [parentSpan.id.hex, span.id.hex]
            ))
        }
    }

    /// Why a call never reached its callee, from Envoy-style `response_flags` (which
    /// TraceLab's sidecar writes too).
    static func failureReason(_ span: ZipkinSpan) -> String {
        switch span.tags["response_flags"] {
        case "FI": "an injected fault aborted it before it left the sidecar"
        case "UF", "UH": "the sidecar could not connect to any endpoint of the callee"
        case "UT": "it timed out and the callee never reported"
        case "NR": "the sidecar has no route for that service"
        case "UC", "URX": "the callee closed the connection"
        default: "it never reached the callee (an injected abort, a refused connection or a timeout)"
        }
    }
}
