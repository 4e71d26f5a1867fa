/// Whether one format gets through the app, judged over all of its cases.
public struct FormatVerdict: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable {
        /// Every case: every header forwarded or regenerated as a child.
        case propagates
        /// No break, but something to know (debug lost, tracestate or x-request-id dropped).
        case propagatesWithWarnings = "propagates-with-warnings"
        /// A case broke: a header dropped or corrupted so the next hop cannot join, or the
        /// sampling decision changed; or some cases made no downstream call.
        case broken
        /// No case of this format made a downstream call: nothing to judge. Not a pass.
        case noDownstreamCall = "no-downstream-call"

        public var passes: Bool { self == .propagates || self == .propagatesWithWarnings }
    }

    public var format: String
    public var verdict: Kind
    /// `b3multi/debug: x-b3-flags dropped (…)`, one per distinct problem.
    public var reasons: [String]
    public var warnings: [String]
    public var cases: [String]

    public init(format: String, cases results: [CaseResult]) {
        self.format = format
        cases = results.map(\.name)
        var reasons: [String] = []
        var warnings: [String] = []
        for result in results {
            if result.verdict == .noDownstreamCall {
                reasons.append("\(result.name): no downstream call seen" + (result.appProblem.map { " (\($0))" } ?? ""))
            }
            reasons += result.sentences(.breaks).map { "\(result.name): \($0)" }
            warnings += result.sentences(.warning).map { "\(result.name): \($0)" }
        }
        self.reasons = reasons
        self.warnings = warnings
        if !results.isEmpty && results.allSatisfy({ $0.verdict == .noDownstreamCall }) {
            verdict = .noDownstreamCall
        } else if !reasons.isEmpty {
            verdict = .broken
        } else if !warnings.isEmpty {
            verdict = .propagatesWithWarnings
        } else {
            verdict = .propagates
        }
    }
}
