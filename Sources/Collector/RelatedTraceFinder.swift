import SpanStore
import TraceAnalysis
import TraceContext
import Zipkin

/// Reads the traces that may belong to the same request as some seed traces, by running
/// `RelatedTraceSearch`'s lookups as ordinary store queries, so the verdict endpoint can judge a
/// trace together with the rest of its request (`TraceAnalyzer.analyze(traces:)`, the same
/// analysis the scenario verifier runs).
///
/// In rounds: the seeds' lookups, then the lookups of what they found (`followUps`) — all of
/// them for a trace sharing a seed's x-request-id (it is the same request); for a trace found
/// by time only the same node's: a fragment's callers, and the other fragments of a request
/// that may have sent one, which the analysis needs to tell candidates apart
/// (`FragmentTimeMatcher` eliminates hosts already taken; three rounds see a fragment's
/// candidates and their other fragments from either end, so a host and its fragment get the
/// same answer). Every query is limited,
/// and so are the number of queries and of traces, so a big store or a busy node makes a
/// verdict less sure, never slow: the request-id lookups are indexed, node lookups cover the
/// few milliseconds of one span.
struct RelatedTraceFinder: Sendable {
    struct Limits: Sendable {
        var search = RelatedTraceSearch.Limits()
        /// Traces one query returns (the store's newest first).
        var tracesPerLookup = 20
        /// Traces in all, seeds included.
        var maxTraces = 48
        /// Store queries in all.
        var maxLookups = 32
        /// Rounds of following what was found.
        var rounds = 3
        /// The analysis' clock-skew tolerance (µs), which widens the node windows.
        var tolerance: UInt64 = TraceAnalysisOptions().clockSkewToleranceMicroseconds
    }

    let store: any SpanReader
    var limits = Limits()

    /// The seeds first (without repeats), then the related traces in the order found.
    func neighbourhood(of seeds: [[ZipkinSpan]]) async throws(SpanStoreError) -> [[ZipkinSpan]] {
        var traces: [[ZipkinSpan]] = []
        var known: Set<TraceID> = []
        for seed in seeds {
            guard let id = seed.first?.traceID, known.insert(id).inserted else { continue }
            traces.append(seed)
        }
        var asked: Set<RelatedTraceLookup> = []
        var queries = 0
        var round = traces.flatMap { lookups(of: $0) }
        for depth in 0..<limits.rounds {
            var next: [RelatedTraceLookup] = []
            for lookup in round where asked.insert(lookup).inserted {
                guard queries < limits.maxLookups, traces.count < limits.maxTraces else { return traces }
                queries += 1
                for trace in try await store.findTraces(query(for: lookup)) {
                    guard let id = trace.first?.traceID, known.insert(id).inserted else { continue }
                    traces.append(trace)
                    if traces.count >= limits.maxTraces { return traces }
                    guard depth + 1 < limits.rounds else { continue }
                    next += followUps(of: trace, foundBy: lookup, depth: depth)
                }
            }
            round = next
        }
        return traces
    }

    /// What is worth reading next about a trace found by `lookup`. A trace sharing a seed's
    /// x-request-id is the same request: all its lookups. A trace found by time matters only
    /// when it is a fragment of the node (its own callers), or a request the node was serving
    /// when a fragment began (its other fragments); an ordinary request that merely ran at the
    /// same time is not followed, so busy traffic costs no further queries.
    private func followUps(of trace: [ZipkinSpan], foundBy lookup: RelatedTraceLookup, depth: Int) -> [RelatedTraceLookup] {
        guard let node = lookup.node else { return depth == 0 ? lookups(of: trace) : [] }
        return lookups(of: trace).filter { next in
            next.node == node && (next.purpose == .callerRequests || (lookup.purpose == .callerRequests && next.purpose == .calleeFragments))
        }
    }

    private func lookups(of trace: [ZipkinSpan]) -> [RelatedTraceLookup] {
        RelatedTraceSearch.lookups(for: trace, limits: limits.search, tolerance: limits.tolerance)
    }

    /// The lookup as a Zipkin-style trace query (windows in whole milliseconds, widened to
    /// cover the lookup's microseconds).
    func query(for lookup: RelatedTraceLookup) throws(SpanStoreError) -> TraceQuery {
        let endTs = lookup.endMicros / 1000
        let lookback = endTs - min(endTs, lookup.startMicros / 1000)
        switch lookup.criterion {
        case .requestID(let id):
            return try TraceQuery(
                annotationQuery: AnnotationQuery(terms: [.tag(key: "guid:x-request-id", value: id)]),
                endTs: endTs, lookback: lookback, limit: limits.tracesPerLookup
            )
        case .node(let service, let node):
            return try TraceQuery(
                serviceName: service, annotationQuery: AnnotationQuery(terms: [.tag(key: "node_id", value: node)]),
                endTs: endTs, lookback: lookback, limit: limits.tracesPerLookup
            )
        }
    }
}
