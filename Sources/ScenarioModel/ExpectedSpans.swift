import LabModel
import Zipkin

/// The sidecar spans one request must produce, computed from the lab's topology and the
/// scenario's routes and faults: one SERVER span at the entry, and per call a CLIENT span on
/// the caller's sidecar and a SERVER span on the callee's (absent when the call is aborted).
///
/// Weighted routes and partial faults make several outcomes possible (reviews-v1 makes no
/// ratings call), so this is a set of alternatives; a request is complete when its spans
/// cover one of them.
public struct ExpectedSpans: Hashable, Sendable {
    /// Each alternative is a sorted list of signatures (a multiset).
    public var alternatives: [[SpanSignature]]
    /// The request may legitimately leave no span (sampled out, or the collector down).
    public var allowsUnrecorded: Bool

    public init(alternatives: [[SpanSignature]], allowsUnrecorded: Bool = false) {
        self.alternatives = alternatives.map { $0.sorted() }
        self.allowsUnrecorded = allowsUnrecorded
    }

    /// The expectation for one request of `scenario`.
    public static func forScenario(_ scenario: ScenarioDefinition) -> ExpectedSpans {
        let entry = LabTopology.entryService(of: scenario.lab)
        let unrecorded = (scenario.setup.sampling.map { $0 < 1 } ?? false) || scenario.setup.collectorDown
            || scenario.traffic.context?.sampling == .unsampled
        var alternatives: [[SpanSignature]] = []
        for instance in entry.instances {
            let server = SpanSignature(kind: .server, service: entry.rawValue, node: instance.nodeID)
            for rest in expand(instance, setup: scenario.setup) {
                alternatives.append([server] + handlerSpans(instance, setup: scenario.setup) + rest)
            }
        }
        return ExpectedSpans(alternatives: Array(Set(alternatives.map { $0.sorted() })).sorted { $0.lexicographicallyPrecedes($1) },
                             allowsUnrecorded: unrecorded)
    }

    /// The app's handler span, when the lab runs with app spans.
    static func handlerSpans(_ instance: ServiceInstance, setup: ScenarioSetup) -> [SpanSignature] {
        setup.appSpans ? [SpanSignature(kind: .app, service: instance.service.rawValue, node: instance.nodeID)] : []
    }

    /// The spans below `instance`'s SERVER span, one list per possible outcome.
    static func expand(_ instance: ServiceInstance, setup: ScenarioSetup) -> [[SpanSignature]] {
        var outcomes: [[SpanSignature]] = [[]]
        for call in LabTopology.calls(madeBy: instance) {
            var client = [SpanSignature(kind: .client, service: instance.service.rawValue, node: instance.nodeID, remote: call.callee.rawValue)]
            if setup.appSpans {
                client.append(SpanSignature(kind: .app, service: instance.service.rawValue, node: instance.nodeID, remote: call.callee.rawValue))
            }
            var callOutcomes: [[SpanSignature]] = []
            let abortPercent = setup.faults[call.callee]?.abort?.percent ?? 0
            if abortPercent > 0 { callOutcomes.append(client) }
            if abortPercent < 100 {
                for (version, weight) in setup.weights(for: call.callee) where weight > 0 {
                    let callee = ServiceInstance(service: call.callee, version: version)
                    let server = SpanSignature(kind: .server, service: call.callee.rawValue, node: callee.nodeID)
                    for below in expand(callee, setup: setup) {
                        callOutcomes.append(client + [server] + handlerSpans(callee, setup: setup) + below)
                    }
                }
            }
            outcomes = outcomes.flatMap { prefix in callOutcomes.map { prefix + $0 } }
        }
        return outcomes
    }

    /// The fewest spans of any alternative (what a progress line counts towards).
    public var minimumCount: Int { alternatives.map(\.count).min() ?? 0 }

    /// The expected spans not (yet) among `spans`, for the alternative closest to them.
    public func missing(from spans: [ZipkinSpan]) -> [SpanSignature] {
        let observed = spans.compactMap(SpanSignature.init(span:))
        if observed.isEmpty, allowsUnrecorded { return [] }
        var best: [SpanSignature]?
        for alternative in alternatives {
            var unmatched = observed
            var missing: [SpanSignature] = []
            for expected in alternative {
                if let index = unmatched.firstIndex(where: { expected.isMatched(by: $0) }) {
                    unmatched.remove(at: index)
                } else {
                    missing.append(expected)
                }
            }
            if missing.count < (best?.count ?? Int.max) { best = missing }
            if missing.isEmpty { break }
        }
        return best ?? []
    }

    public func isSatisfied(by spans: [ZipkinSpan]) -> Bool { missing(from: spans).isEmpty }
}
