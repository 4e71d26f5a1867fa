import Zipkin

/// Which store lookups find the other traces of a trace's request, as `TraceSetAnalyzer` links
/// them; the collector runs them before judging a trace (`TraceAnalyzer.analyze(traces:)`).
///
/// - each x-request-id of the trace: a hop that kept it (drop-b3, a format the next sidecar
///   cannot read) left traces sharing it, within `requestIDWindowMicros` either side;
/// - each sidecar node serving the trace (its SERVER spans, merged per node): any call that
///   node's app made without headers started a fragment at the node's CLIENT span *during* the
///   SERVER span, so spans of that node in that time;
/// - each root CLIENT span of a sidecar (this trace is such a fragment): the requests its node
///   was serving then, so spans of that node from `callerWindowMicros` before the call to the
///   call.
///
/// Lookups of other nodes' windows return traces that turn out to be unrelated; the analysis
/// simply finds no link to them. The plan is bounded by `Limits` so a trace with many spans
/// cannot make a verdict expensive.
public enum RelatedTraceSearch {
    public struct Limits: Hashable, Sendable {
        /// How far before and after the trace a trace sharing its x-request-id is looked for.
        public var requestIDWindowMicros: UInt64
        /// How long before a fragment's first call the request that made it may have begun.
        public var callerWindowMicros: UInt64
        /// At most this many x-request-ids per trace.
        public var maxRequestIDs: Int
        /// At most this many node lookups per trace.
        public var maxNodes: Int

        public init(requestIDWindowMicros: UInt64 = 600_000_000, callerWindowMicros: UInt64 = 60_000_000, maxRequestIDs: Int = 4, maxNodes: Int = 8) {
            self.requestIDWindowMicros = requestIDWindowMicros
            self.callerWindowMicros = callerWindowMicros
            self.maxRequestIDs = maxRequestIDs
            self.maxNodes = maxNodes
        }
    }

    /// The lookups for one trace: request ids first (the strongest evidence), then nodes in
    /// order of first appearance. `tolerance` widens time windows (µs; the analysis' clock-skew
    /// tolerance).
    public static func lookups(for spans: [ZipkinSpan], limits: Limits = Limits(), tolerance: UInt64 = 1_000) -> [RelatedTraceLookup] {
        let timed = spans.filter { $0.timestamp != nil }
        guard let first = timed.compactMap(\.timestamp).min() else { return [] }
        let last = timed.map { ZipkinSpanTime.end($0.timestamp ?? 0, $0.duration) }.max() ?? first

        var lookups: [RelatedTraceLookup] = []
        var requestIDs: [String] = []
        for span in spans {
            guard let id = span.requestID, !requestIDs.contains(id) else { continue }
            requestIDs.append(id)
        }
        for id in requestIDs.prefix(limits.maxRequestIDs) {
            lookups.append(RelatedTraceLookup(
                criterion: .requestID(id), purpose: .sameRequestID,
                startMicros: first.minus(limits.requestIDWindowMicros), endMicros: last.plus(limits.requestIDWindowMicros)
            ))
        }

        var nodeLookups: [RelatedTraceLookup] = []
        func add(_ lookup: RelatedTraceLookup) {
            if let position = nodeLookups.firstIndex(where: { $0.criterion == lookup.criterion && $0.purpose == lookup.purpose }) {
                nodeLookups[position].startMicros = min(nodeLookups[position].startMicros, lookup.startMicros)
                nodeLookups[position].endMicros = max(nodeLookups[position].endMicros, lookup.endMicros)
            } else {
                nodeLookups.append(lookup)
            }
        }
        let ids = Set(spans.map(\.id))
        for span in timed where span.isProxySpan {
            guard let service = span.localServiceName, let node = span.tags["node_id"], !node.isEmpty, let start = span.timestamp else { continue }
            let end = ZipkinSpanTime.end(start, span.duration)
            if span.kind == .server {
                add(RelatedTraceLookup(
                    criterion: .node(service: service, nodeID: node), purpose: .calleeFragments,
                    startMicros: start.minus(tolerance), endMicros: end.plus(tolerance)
                ))
            } else if span.kind == .client, span.parentID.map({ !ids.contains($0) }) ?? true {
                add(RelatedTraceLookup(
                    criterion: .node(service: service, nodeID: node), purpose: .callerRequests,
                    startMicros: start.minus(limits.callerWindowMicros), endMicros: start.plus(tolerance)
                ))
            }
        }
        // A fragment's callers come first: without them its verdict cannot be given at all.
        let callers = nodeLookups.filter { $0.purpose == .callerRequests }
        let callees = nodeLookups.filter { $0.purpose == .calleeFragments }
        return lookups + Array((callers + callees).prefix(limits.maxNodes))
    }
}
