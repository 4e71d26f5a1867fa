import Zipkin

/// Judges several traces together to find hops split across traces.
///
/// A request whose context was lost at a hop becomes two traces: the caller's part and a new
/// trace that starts at the hop. Each trace alone only shows a loose end (a CLIENT span nobody
/// answered, or a trace starting at a sidecar's outbound call). This links the two halves,
/// from the strongest evidence to the weakest:
///
/// - a trace that starts with a sidecar CLIENT span of P calling S, and another trace holding a
///   span of P with the same `guid:x-request-id` (the app's own span of the call, else the
///   latest P span that began before it): the P app dropped the trace headers but kept
///   x-request-id → `missing-b3`;
/// - a trace that starts with a SERVER span of S, and another trace holding an unanswered
///   CLIENT span calling S with the same request id: both sidecars saw the call, the callee's
///   could not read the context the caller's sent → `format-mismatch` (e.g. only traceparent
///   forwarded while the next sidecar reads only B3);
/// - the sidecar-CLIENT start with no other span sharing its request id, while exactly one
///   other trace has a SERVER span of the same P node running at that moment: the app dropped
///   every header, x-request-id too → `missing-trace-headers`, linked by time (so "likely").
///   With several such requests running the cause is still `missing-trace-headers`, but the
///   caller's trace cannot be named;
/// - a trace that starts with a SERVER span of S whose request id is on a span of another
///   service, in another trace, that was running then, but no CLIENT span calls S: the
///   caller's CLIENT span is missing or the app bypassed its sidecar → `missing-context`.
///
/// A caller must have started before its callee's trace (within the skew tolerance); another
/// call of the same request that was answered is never taken as the caller, and a request
/// replayed later with the same x-request-id is not a split. The loose-end findings of both
/// traces are replaced by `split-hop` findings that name the hop, the cause and the other
/// trace.
struct TraceSetAnalyzer {
    var options: TraceAnalysisOptions

    private struct Location: Hashable {
        var trace: Int
        var span: Int
    }

    func analyze(_ traces: [[ZipkinSpan]]) -> TraceSetVerdict {
        var inspections = traces.map { TraceInspection(spans: $0, options: options) }
        var verdicts = inspections.indices.map { inspections[$0].run() }

        var index = Index()
        for (trace, inspection) in inspections.enumerated() {
            for (position, span) in inspection.spans.enumerated() {
                let location = Location(trace: trace, span: position)
                if let requestID = span.requestID { index.byRequestID[requestID, default: []].append(location) }
                if span.kind == .server { index.serversByNode[span.nodeLabel, default: []].append(location) }
            }
        }

        var links: [TraceLink] = []
        for (trace, inspection) in inspections.enumerated() {
            for root in inspection.tree.roots {
                let start = Location(trace: trace, span: root)
                switch findCaller(of: start, inspections: inspections, index: index) {
                case .linked(let from, let code):
                    let link = makeLink(from: from, to: start, code: code, inspections: inspections, verdicts: verdicts)
                    links.append(link)
                    apply(link, from: from, to: start, inspections: inspections, verdicts: &verdicts)
                case .unlinked(let code):
                    relabelFragment(in: &verdicts[trace], root: inspection.spans[root], code: code)
                case .none:
                    continue
                }
            }
        }
        return TraceSetVerdict(traces: verdicts, links: links)
    }

    private struct Index {
        var byRequestID: [String: [Location]] = [:]
        var serversByNode: [String: [Location]] = [:]
    }

    private enum CallerSearch {
        /// The caller's side was found.
        case linked(Location, TraceFinding.Cause)
        /// The cause is known, the caller's trace is not.
        case unlinked(TraceFinding.Cause)
        case none
    }

    /// Where the request came from before `start` began a trace, and why it broke.
    private func findCaller(of start: Location, inspections: [TraceInspection], index: Index) -> CallerSearch {
        let root = inspections[start.trace].spans[start.span]
        let rootStart = inspections[start.trace].starts[start.span] ?? 0
        let tolerance = options.clockSkewToleranceMicroseconds
        let elsewhere = root.requestID.map { index.byRequestID[$0] ?? [] }?.filter { $0.trace != start.trace } ?? []
        func span(_ location: Location) -> ZipkinSpan { inspections[location.trace].spans[location.span] }
        func startTime(_ location: Location) -> UInt64 { inspections[location.trace].starts[location.span] ?? 0 }
        // Prefer the candidate that started last before the root: the innermost caller.
        func latest(_ candidates: [Location]) -> Location? {
            let before = candidates.filter { startTime($0) <= rootStart.plus(tolerance) }
            return (before.isEmpty ? candidates : before).max { startTime($0) < startTime($1) }
        }
        // A caller is still running when its callee starts.
        func running(_ location: Location) -> Bool {
            let start = startTime(location)
            return start <= rootStart.plus(tolerance) && rootStart <= ZipkinSpanTime.end(start, span(location).duration).plus(tolerance)
        }

        if root.kind == .client && root.isProxySpan {
            let service = root.localServiceName
            let callee = inspections[start.trace].callee(ofClient: start.span)
            // Not another call's CLIENT span that was answered (a second fragment of the request).
            let sameService = elsewhere.filter {
                span($0).localServiceName == service && !(span($0).kind == .client && inspections[$0.trace].answered[$0.span])
            }
            // The app's own span of this call (a CLIENT, or a local span naming the peer).
            let appCalls = sameService.filter {
                (span($0).kind == .client && !inspections[$0.trace].answered[$0.span]) || span($0).tags["peer.service"] == callee
            }
            if let caller = latest(appCalls) ?? latest(sameService) { return .linked(caller, .missingB3) }
            // No shared request id: the requests this sidecar was serving at that moment.
            let serving = (index.serversByNode[root.nodeLabel] ?? []).filter { location in
                location.trace != start.trace && inspections[location.trace].starts[location.span] != nil && running(location)
            }
            if Set(serving.map(\.trace)).count == 1, let caller = latest(serving) { return .linked(caller, .missingHeaders) }
            return serving.isEmpty ? .none : .unlinked(.missingHeaders)
        }

        guard root.kind == .server || root.kind == nil else { return .none }
        let service = root.localServiceName
        let clients = elsewhere.filter {
            span($0).kind == .client && !inspections[$0.trace].answered[$0.span]
                && (span($0).calleeGuess == root.serviceLabel || span($0).calleeGuess == "?")
        }
        if let caller = latest(clients) { return .linked(caller, .formatMismatch) }
        // Weaker evidence: only a span of another service that was running when this began
        // (a request replayed later with the same x-request-id is not a split).
        let otherServices = elsewhere.filter { span($0).localServiceName != service && running($0) }
        if let caller = latest(otherServices) { return .linked(caller, .missingContext) }
        return .none
    }

    private func relabelFragment(in verdict: inout TraceVerdict, root: ZipkinSpan, code: TraceFinding.Cause) {
        guard let position = verdict.findings.firstIndex(where: { $0.kind == .fragment && $0.spanIDs.contains(root.id.hex) }) else { return }
        let hop = verdict.findings[position].hop ?? root.nodeLabel
        verdict.findings[position].code = code
        verdict.findings[position].cause = "\(root.nodeLabel) forwarded none of the trace headers, not even x-request-id, so its sidecar started this trace for the call (\(hop)). No other trace shares its x-request-id, so the caller's trace cannot be named."
    }

    private func makeLink(
        from: Location, to: Location, code: TraceFinding.Cause, inspections: [TraceInspection], verdicts: [TraceVerdict]
    ) -> TraceLink {
        let fromSpan = inspections[from.trace].spans[from.span]
        let toSpan = inspections[to.trace].spans[to.span]
        // A fragment names its own call; a new root SERVER is named from the caller's side.
        let hop = toSpan.kind == .client
            ? inspections[to.trace].hopLabel(at: to.span)
            : "\(fromSpan.nodeLabel) -> \(toSpan.serviceLabel)"
        return TraceLink(
            hop: hop, code: code,
            requestID: code == .missingHeaders ? nil : toSpan.requestID,
            fromTraceID: verdicts[from.trace].traceID, fromSpanID: fromSpan.id.hex,
            toTraceID: verdicts[to.trace].traceID, toSpanID: toSpan.id.hex
        )
    }

    private func apply(
        _ link: TraceLink, from: Location, to: Location, inspections: [TraceInspection], verdicts: inout [TraceVerdict]
    ) {
        let caller = link.hop.split(separator: " -> ").first.map(String.init) ?? "the caller"
        let callee = link.hop.split(separator: " -> ").last.map(String.init) ?? "the callee"
        let requestID = link.requestID.map { " (x-request-id \($0) was kept)" } ?? ""
        let cause: String
        switch link.code {
        case .missingB3:
            cause = "\(caller) did not forward the x-b3-* headers\(requestID): its call to \(callee) started a new trace."
        case .missingHeaders:
            cause = "\(caller) forwarded none of the trace headers, not even x-request-id: its call to \(callee) started a new trace (matched by time: the only \(caller) request running then)."
        case .formatMismatch:
            cause = "\(caller)'s sidecar sent the call on, but \(callee)'s sidecar could not read the trace context it got (e.g. only traceparent was forwarded but \(callee)'s sidecar reads only B3), so \(callee) started a new trace\(requestID)."
        default:
            cause = "\(callee) got x-request-id \(link.requestID ?? "?") from \(caller) but no trace context it could read, and no CLIENT span exists for the call (the app bypassed its sidecar or the span was lost): \(callee) started a new trace."
        }
        let fromSpan = inspections[from.trace].spans[from.span]
        let toSpan = inspections[to.trace].spans[to.span]
        replaceLooseEnd(
            in: &verdicts[from.trace], spanID: fromSpan.id.hex, kinds: [.unansweredClient, .upstreamFailure],
            with: TraceFinding(
                kind: .splitHop, severity: .error, hop: link.hop, cause: cause + " It continues in trace \(link.toTraceID).",
                code: link.code, spanIDs: [fromSpan.id.hex], brokenLink: true, relatedTraceIDs: [link.toTraceID]
            )
        )
        replaceLooseEnd(
            in: &verdicts[to.trace], spanID: toSpan.id.hex, kinds: [.fragment],
            with: TraceFinding(
                kind: .splitHop, severity: .error, hop: link.hop, cause: cause + " The request began in trace \(link.fromTraceID).",
                code: link.code, spanIDs: [toSpan.id.hex], brokenLink: true, relatedTraceIDs: [link.fromTraceID]
            )
        )
    }

    private func replaceLooseEnd(in verdict: inout TraceVerdict, spanID: String, kinds: Set<TraceFinding.Kind>, with finding: TraceFinding) {
        if let position = verdict.findings.firstIndex(where: { kinds.contains($0.kind) && $0.spanIDs.contains(spanID) }) {
            verdict.findings[position] = finding
        } else {
            verdict.findings.insert(finding, at: 0)
        }
        verdict.findings = verdict.findings.enumerated().sorted {
            $0.element.severity != $1.element.severity ? $0.element.severity < $1.element.severity : $0.offset < $1.offset
        }.map(\.element)
        verdict.complete = !verdict.findings.contains { $0.severity == .error }
    }
}
