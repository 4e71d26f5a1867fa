import SpanStore
import TraceAnalysis
import TraceContext
import Zipkin

/// Reads the traces that may belong to the same request as some seed traces, by running
/// `RelatedTraceSearch`'s lookups as ordinary store queries, so the verdict endpoint can judge a
/// trace together with the rest of its request (`TraceAnalyzer.analyze(traces:)`, the same
/// analysis the scenario verifier runs).
///
/// In rounds: the seeds' lookups, then the lookups of what they found — all of them for a
/// trace sharing a seed's x-request-id (it is the same request), only those of the same node
/// for a trace found by time: the other requests its node was serving and the other fragments
/// those started, which the analysis needs to tell candidates apart (`FragmentTimeMatcher`
/// eliminates hosts already taken; three rounds see a fragment's candidates and their other
/// fragments from either end, so a host and its fragment get the same answer). Every query is limited,
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
                    let followed = lookups(of: trace)
                    if let node = lookup.node {
                        next += followed.filter { $0.node == node }
                    } else if depth == 0 {
                        next += followed
                    }
                }
            }
            round = next
        }
        return traces
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
