import TraceContext

/// One case as it went: what was sent, how the app answered, and each downstream call's
/// findings.
public struct CaseResult: Codable, Hashable, Sendable {
    public struct Call: Codable, Hashable, Sendable {
        public var callee: String
        public var path: String
        public var findings: [HeaderFinding]

        public var label: String { callee.isEmpty ? path : "\(callee) \(path)" }
    }

    public enum Verdict: String, Codable, Hashable, Sendable {
        case propagates
        case propagatesWithWarnings = "propagates-with-warnings"
        case broken
        case noDownstreamCall = "no-downstream-call"
    }

    public var name: String
    public var format: String
    public var summary: String
    /// The trace headers sent, name and value.
    public var sent: [String: String]
    /// The app's status code; nil when it did not answer.
    public var appStatus: Int?
    /// Why the app gave no (good) answer, in words.
    public var appProblem: String?
    public var calls: [Call]
    public var verdict: Verdict

    /// Classifies `calls` (those captured between sending the case and the app's answer).
    public init(case sent: PropagationCase, appStatus: Int?, appProblem: String?, calls captured: [CapturedCall]) {
        name = sent.name
        format = sent.format.rawValue
        summary = sent.summary
        var headers: [String: String] = [:]
        for field in sent.headers { headers[field.name] = field.value }
        self.sent = headers
        self.appStatus = appStatus
        self.appProblem = appProblem
        calls = captured.map { call in
            Call(callee: call.host, path: call.path, findings: PropagationClassifier.classify(sent, call: call))
        }
        let worst = calls.flatMap(\.findings).map(\.impact).max() ?? .none
        if calls.isEmpty {
            verdict = .noDownstreamCall
        } else {
            switch worst {
            case .none: verdict = .propagates
            case .warning: verdict = .propagatesWithWarnings
            case .breaks: verdict = .broken
            }
        }
    }

    /// Every finding of `impact` on any call, each once, as sentences.
    public func sentences(_ impact: Impact) -> [String] {
        var seen: [String] = []
        for finding in calls.flatMap(\.findings) where finding.impact == impact {
            let sentence = finding.sentence
            if !seen.contains(sentence) { seen.append(sentence) }
        }
        return seen
    }
}
