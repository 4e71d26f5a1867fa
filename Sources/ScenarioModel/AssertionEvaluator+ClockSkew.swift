import LabModel
import Zipkin

extension AssertionEvaluator {
    /// `expect.clock_skew`: every entry trace in which the named service reported spans shows
    /// the analysis' estimate for that clock (size, direction, hop as asked, spans moved); with
    /// `none`, no entry trace shows any.
    func clockSkew(_ expectation: ClockSkewExpectation?, _ observation: ScenarioObservation, field: String) -> AssertionResult {
        let traceIDs = observation.entryTraces(lab: scenario.lab)
        guard let expectation else {
            let skewed = traceIDs.compactMap { id in observation.judgements[id].flatMap { $0.clockSkew.first.map { (id, $0) } } }
            let failures = skewed.map { id, skew in
                AssertionResult.Failure(traceID: id, hop: skew.hop, expected: "no clock skew", seen: Self.describe(skew))
            }
            return AssertionResult(field: field, passed: failures.isEmpty && !traceIDs.isEmpty, expected: "no clock skew",
                                   seen: traceIDs.isEmpty ? "no traces" : "\(skewed.count) of \(traceIDs.count) traces skewed", failures: failures)
        }
        let wanted = Self.describe(expectation)
        var judged = 0
        var shown = 0
        var failures: [AssertionResult.Failure] = []
        for id in traceIDs {
            let spans = observation.traces[id] ?? []
            guard spans.contains(where: { expectation.service.matches(service: $0.localServiceName, nodeID: $0.tags["node_id"]) }) else { continue }
            judged += 1
            guard let judgement = observation.judgements[id] else {
                failures.append(.init(traceID: id, expected: wanted, seen: "no analysis of this trace"))
                continue
            }
            let forService = judgement.clockSkew.filter { Self.names(expectation.service, $0.service) }
            guard !forService.isEmpty else {
                let others = judgement.clockSkew.map(Self.describe).joined(separator: "; ")
                failures.append(.init(traceID: id, hop: expectation.at?.description, expected: wanted,
                                      seen: others.isEmpty ? "no clock skew found" : "skew found elsewhere: \(others)"))
                continue
            }
            if let mismatch = forService.lazy.compactMap({ Self.mismatch(expectation, $0) }).first,
               !forService.contains(where: { Self.mismatch(expectation, $0) == nil }) {
                failures.append(.init(traceID: id, hop: forService[0].hop, expected: wanted, seen: mismatch))
                continue
            }
            shown += 1
        }
        if judged == 0 {
            failures.append(.init(expected: "traces with spans of \(expectation.service)", seen: "none recorded"))
        }
        return AssertionResult(field: field, passed: failures.isEmpty, expected: wanted,
                               seen: "\(shown) of \(judged) traces with \(expectation.service) show it", failures: failures)
    }

    /// Why `skew` does not meet `expectation`, nil when it does.
    static func mismatch(_ expectation: ClockSkewExpectation, _ skew: TraceJudgement.ClockSkew) -> String? {
        if let at = expectation.at {
            guard let hop = HopName.parse(skew.hop), hop.callee.service == at.callee.service, hop.caller.service == at.caller.service,
                  at.caller.version.map({ $0 == hop.caller.version }) ?? true else {
                return "measured at \(skew.hop), not \(at)"
            }
        }
        if let direction = expectation.direction {
            let actual: ClockSkewExpectation.Direction = skew.offsetMicroseconds < 0 ? .ahead : .behind
            if actual != direction { return describe(skew) }
        }
        if let bound = expectation.offset, !bound.holds(for: Double(skew.offsetMicroseconds.magnitude)) {
            return describe(skew)
        }
        if skew.adjustedSpanCount == 0 { return "\(describe(skew)), but no span was moved" }
        return nil
    }

    /// Whether the analysis' clock domain (a node id or a service) is the one named.
    static func names(_ name: NodeName, _ domain: String) -> Bool {
        guard let found = NodeName(domain), found.service == name.service else { return false }
        guard let version = name.version else { return true }
        return found.version == nil || found.version == version
    }

    static func describe(_ skew: TraceJudgement.ClockSkew) -> String {
        let amount = DurationText.format(microseconds: Double(skew.offsetMicroseconds.magnitude))
        return "\(skew.service) \(amount) \(skew.offsetMicroseconds < 0 ? "ahead" : "behind") at \(skew.hop), \(skew.adjustedSpanCount) span\(skew.adjustedSpanCount == 1 ? "" : "s") moved"
    }

    static func describe(_ expectation: ClockSkewExpectation) -> String {
        var text = "\(expectation.service)'s clock"
        if let bound = expectation.offset {
            text += " \(bound.op.rawValue) \(DurationText.format(microseconds: bound.value))"
        } else {
            text += " off"
        }
        if let direction = expectation.direction { text += " \(direction.rawValue)" }
        if let at = expectation.at { text += " at \(at)" }
        return text + ", spans moved"
    }
}
