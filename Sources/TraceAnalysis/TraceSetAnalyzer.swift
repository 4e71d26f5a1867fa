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
/// - the sidecar-CLIENT start with no other span sharing its request id, while a SERVER span
///   of the same P node was running for the whole call in another trace: the app dropped
///   every header, x-request-id too → `missing-trace-headers`, linked by time (so "likely";
///   `FragmentTimeMatcher`). With several such requests running and no way to tell them apart
///   the cause is still `missing-trace-headers`, but the link is *ambiguous*: the fragment names
///   every candidate, and each candidate gets an `ambiguous` split-hop finding (an error: one of
///   them surely lost the call, so none is called complete);
/// - a trace that starts with a SERVER span of S whose request id is on a span of another
///   service, in another trace, that was running then, but no CLIENT span calls S: the
///   caller's CLIENT span is missing or the app bypassed its sidecar → `missing-context`.
///
/// A caller must have started before its callee's trace (within the skew tolerance); another
/// call of the same request that was answered is never taken as the caller, and a request
/// replayed later with the same x-request-id is not a split. The loose-end findings of both
/// traces are replaced by `split-hop` findings that name the hop, the cause and the other
/// trace.
///
/// Last, the traces connected by links are grouped into requests (`RequestAssembler`) and each
/// verdict gets its request: a trace whose request broke anywhere is not complete.
struct TraceSetAnalyzer {
    var options: TraceAnalysisOptions

    private typealias Location = SpanLocation

    func analyze(_ traces: [[ZipkinSpan]]) -> TraceSetVerdict {
        var inspections = traces.map { TraceInspection(spans: $0, options: options) }
        var verdicts = inspections.indices.map { inspections[$0].run() }

        var index = Index()
        for (trace, inspection) in inspections.enumerated() {
            for (position, span) in inspection.spans.enumerated() {
                let location = Location(trace: trace, span: position)
                if let requestID = span.requestID { index.byRequestID[requestID, default: []].append(location) }
                if span.kind == .server, let start = span.timestamp {
                    index.hosts.append(.init(location: location, node: span.nodeLabel, start: start, end: ZipkinSpanTime.end(start, span.duration)))
                }
            }
        }

        var links: [TraceLink] = []
        var timeFragments: [FragmentTimeMatcher.Fragment] = []
        for (trace, inspection) in inspections.enumerated() {
            for root in inspection.tree.roots {
                let start = Location(trace: trace, span: root)
                switch findCaller(of: start, inspections: inspections, index: index) {
                case .linked(let from, let code):
                    let link = makeLink(from: from, to: start, code: code, inspections: inspections, verdicts: verdicts)
                    links.append(link)
                    apply(link, from: from, to: start, inspections: inspections, verdicts: &verdicts)
                case .byTime(let fragment):
                    timeFragments.append(fragment)
                case .none:
                    continue
                }
            }
        }

        var ambiguousLinks: [AmbiguousTraceLink] = []
        let matches = FragmentTimeMatcher(tolerance: options.clockSkewToleranceMicroseconds).match(timeFragments, hosts: index.hosts)
        for (fragment, match) in zip(timeFragments, matches) {
            switch match {
            case .linked(let host):
                let link = makeLink(from: host, to: fragment.root, code: .missingHeaders, inspections: inspections, verdicts: verdicts)
                links.append(link)
                apply(link, from: host, to: fragment.root, inspections: inspections, verdicts: &verdicts)
            case .ambiguous(let hosts):
                ambiguousLinks.append(applyAmbiguous(fragment: fragment, hosts: hosts, inspections: inspections, verdicts: &verdicts))
            case .none:
                continue
            }
        }

        attachRequests(to: &verdicts, inspections: inspections, links: links, ambiguousLinks: ambiguousLinks)
        return TraceSetVerdict(traces: verdicts, links: links, ambiguousLinks: ambiguousLinks)
    }

    private struct Index {
        var byRequestID: [String: [Location]] = [:]
        var hosts: [FragmentTimeMatcher.Host] = []
    }

    private enum CallerSearch {
        /// The caller's side was found.
        case linked(Location, TraceFinding.Cause)
        /// Only time can tell (`FragmentTimeMatcher`), once every fragment is known.
        case byTime(FragmentTimeMatcher.Fragment)
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
            guard let timestamp = root.timestamp else { return .none }
            return .byTime(.init(root: start, node: root.nodeLabel, callee: callee, start: timestamp, end: ZipkinSpanTime.end(timestamp, root.duration)))
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

    private func makeLink(
        from: Location, to: Location, code: TraceFinding.Cause, inspections: [TraceInspection], verdicts: [TraceVerdict]
    ) -> TraceLink {
        let fromSpan = inspections[from.trace].spans[from.span]
        let toSpan = inspections[to.trace].spans[to.span]
        // A fragment names its own call; a new root SERVER is named from the caller's side.
        let hop = toSpan.kind == .client
            ? inspections[to.trace].hopLabel(at: to.span)
            : "\(fromSpan.nodeLabel) -> \(toSpan.serviceLabel)"
        var link = TraceLink(
            hop: hop, code: code,
            requestID: code == .missingHeaders ? nil : toSpan.requestID,
            fromTraceID: verdicts[from.trace].traceID, fromSpanID: fromSpan.id.hex,
            toTraceID: verdicts[to.trace].traceID, toSpanID: toSpan.id.hex
        )
        link.cause = Self.cause(of: link)
        return link
    }

    private static func cause(of link: TraceLink) -> String {
        let caller = link.hop.split(separator: " -> ").first.map(String.init) ?? "the caller"
        let callee = link.hop.split(separator: " -> ").last.map(String.init) ?? "the callee"
        let requestID = link.requestID.map { " (x-request-id \($0) was kept)" } ?? ""
        switch link.code {
        case .missingB3:
            return "\(caller) did not forward the x-b3-* headers\(requestID): its call to \(callee) started a new trace."
        case .missingHeaders:
            return "\(caller) forwarded none of the trace headers, not even x-request-id: its call to \(callee) started a new trace (matched by time: \(caller)'s sidecar was serving this request when the call left, and no other request it was serving then can have made it)."
        case .formatMismatch:
            return "\(caller)'s sidecar sent the call on, but \(callee)'s sidecar could not read the trace context it got (e.g. only traceparent was forwarded but \(callee)'s sidecar reads only B3), so \(callee) started a new trace\(requestID)."
        default:
            return "\(callee) got x-request-id \(link.requestID ?? "?") from \(caller) but no trace context it could read, and no CLIENT span exists for the call (the app bypassed its sidecar or the span was lost): \(callee) started a new trace."
        }
    }

    private func apply(
        _ link: TraceLink, from: Location, to: Location, inspections: [TraceInspection], verdicts: inout [TraceVerdict]
    ) {
        let fromSpan = inspections[from.trace].spans[from.span]
        let toSpan = inspections[to.trace].spans[to.span]
        replaceLooseEnd(
            in: &verdicts[from.trace], spanID: fromSpan.id.hex, kinds: [.unansweredClient, .upstreamFailure],
            with: TraceFinding(
                kind: .splitHop, severity: .error, hop: link.hop, cause: link.cause + " It continues in trace \(link.toTraceID).",
                code: link.code, spanIDs: [fromSpan.id.hex], brokenLink: true, relatedTraceIDs: [link.toTraceID]
            )
        )
        replaceLooseEnd(
            in: &verdicts[to.trace], spanID: toSpan.id.hex, kinds: [.fragment],
            with: TraceFinding(
                kind: .splitHop, severity: .error, hop: link.hop, cause: link.cause + " The request began in trace \(link.fromTraceID).",
                code: link.code, spanIDs: [toSpan.id.hex], brokenLink: true, relatedTraceIDs: [link.fromTraceID]
            )
        )
    }

    /// A fragment that any of several requests may have sent: its finding names them all, and
    /// each of them gets an ambiguous split-hop finding, so none passes for complete.
    private func applyAmbiguous(
        fragment: FragmentTimeMatcher.Fragment, hosts: [Location], inspections: [TraceInspection], verdicts: inout [TraceVerdict]
    ) -> AmbiguousTraceLink {
        let root = inspections[fragment.root.trace].spans[fragment.root.span]
        let hop = inspections[fragment.root.trace].hopLabel(at: fragment.root.span)
        let node = fragment.node
        let fragmentID = verdicts[fragment.root.trace].traceID
        let candidates = hosts.map { AmbiguousTraceLink.Candidate(traceID: verdicts[$0.trace].traceID, spanID: inspections[$0.trace].spans[$0.span].id.hex) }
        let candidateIDs = candidates.map(\.traceID)
        let cause = "\(node) forwarded none of the trace headers, not even x-request-id: a call to \(fragment.callee) started trace \(fragmentID). \(node) was serving \(hosts.count) requests when the call left (traces \(candidateIDs.joined(separator: ", "))), and the spans cannot tell which of them made it."
        replaceLooseEnd(
            in: &verdicts[fragment.root.trace], spanID: root.id.hex, kinds: [.fragment],
            with: TraceFinding(
                kind: .fragment, severity: .error, hop: hop, cause: cause + " The request began in one of those traces.",
                code: .missingHeaders, spanIDs: [root.id.hex], brokenLink: true, relatedTraceIDs: candidateIDs, ambiguous: true
            )
        )
        for host in hosts {
            let server = inspections[host.trace].spans[host.span]
            replaceLooseEnd(
                in: &verdicts[host.trace], spanID: server.id.hex, kinds: [],
                with: TraceFinding(
                    kind: .splitHop, severity: .error, hop: hop,
                    cause: cause + " This request may be the one that lost its call; the spans cannot tell.",
                    code: .missingHeaders, spanIDs: [server.id.hex], brokenLink: true, relatedTraceIDs: [fragmentID], ambiguous: true
                )
            )
        }
        return AmbiguousTraceLink(hop: hop, code: .missingHeaders, toTraceID: fragmentID, toSpanID: root.id.hex, candidates: candidates, cause: cause)
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

    /// Gives every verdict its request; a trace whose request broke anywhere is not complete.
    private func attachRequests(
        to verdicts: inout [TraceVerdict], inspections: [TraceInspection], links: [TraceLink], ambiguousLinks: [AmbiguousTraceLink]
    ) {
        let roots = inspections.map { inspection in
            let root = inspection.tree.roots.first.map { inspection.spans[$0] }
            return RequestAssembler.Root(kind: root?.kindLabel, service: root?.nodeLabel)
        }
        let assembler = RequestAssembler(verdicts: verdicts, roots: roots, links: links, ambiguousLinks: ambiguousLinks)
        var byComponent: [Int: RequestVerdict] = [:]
        for index in verdicts.indices {
            let component = assembler.component(of: index)
            let request = byComponent[component] ?? assembler.request(containing: [index])
            byComponent[component] = request
            verdicts[index].request = request
            verdicts[index].complete = verdicts[index].complete && request.complete
        }
    }
}
