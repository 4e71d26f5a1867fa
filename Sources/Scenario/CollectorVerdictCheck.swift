import Foundation
import ScenarioModel
import TraceAnalysis

/// The cross-check of `tracelab run --check-ui-verdicts`: for every trace the verifier judged,
/// the collector's verdict endpoint (`GET /api/tracelab/traces/{id}/verdict`, what the web UI
/// shows) must tell the same story — complete or not, and the same broken hops and causes.
/// Both run `TraceAnalyzer.analyze(traces:)`, the verifier over the run's traces, the collector
/// over what `RelatedTraceFinder` finds in its store; a difference means a student reading the
/// UI would learn another lesson than the report teaches, so it fails the scenario.
public struct CollectorVerdictCheck: Sendable {
    /// The name of the result in reports.
    public static let field = "verifier.ui_verdicts"

    /// The collector's base URL (`http://127.0.0.1:9411`).
    public let baseURL: String
    let transport: any TraceBackendTransport
    /// Verdicts asked for at once (each costs the collector a few store queries).
    let concurrency: Int

    public init(baseURL: String, transport: any TraceBackendTransport = HTTPClientTraceBackendTransport(), concurrency: Int = 4) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.transport = transport
        self.concurrency = max(1, concurrency)
    }

    /// One `AssertionResult`: passed when the collector agrees on every trace of `judgements`.
    public func check(_ judgements: [TraceJudgement]) async -> AssertionResult {
        var answers: [String: Result<TraceJudgement, CheckFailure>] = [:]
        await withTaskGroup(of: (String, Result<TraceJudgement, CheckFailure>).self) { group in
            var pending = judgements.map(\.traceID)[...]
            func addNext() {
                guard let id = pending.popFirst() else { return }
                group.addTask { (id, await verdict(of: id)) }
            }
            for _ in 0..<concurrency { addNext() }
            for await (id, answer) in group {
                answers[id] = answer
                addNext()
            }
        }
        return Self.compare(judgements, collector: answers, baseURL: baseURL)
    }

    /// Why the collector's verdict of a trace could not be had.
    public struct CheckFailure: Error, Hashable, Sendable {
        public var message: String
        public init(_ message: String) { self.message = message }
    }

    /// The pure part: the verifier's judgements against the collector's answers.
    public static func compare(_ judgements: [TraceJudgement], collector answers: [String: Result<TraceJudgement, CheckFailure>],
                               baseURL: String) -> AssertionResult {
        var failures: [AssertionResult.Failure] = []
        for judgement in judgements {
            let mine = "\(judgement.complete ? "complete" : "broken")" + (judgement.complete ? "" : " \(judgement.brokenLinkLabels.joined(separator: "; "))")
            switch answers[judgement.traceID] {
            case .success(let theirs):
                if let difference = judgement.disagreement(with: theirs, judge: "verifier", otherJudge: "UI") {
                    failures.append(.init(traceID: judgement.traceID, hop: (judgement.brokenLinkLabels + theirs.brokenLinkLabels).first.map(hopOf),
                                          expected: "the UI's verdict: \(mine)", seen: difference))
                }
            case .failure(let failure):
                failures.append(.init(traceID: judgement.traceID, expected: "the UI's verdict: \(mine)", seen: failure.message))
            case nil:
                failures.append(.init(traceID: judgement.traceID, expected: "the UI's verdict: \(mine)", seen: "not asked"))
            }
        }
        let total = judgements.count
        return AssertionResult(
            field: field, passed: failures.isEmpty,
            expected: "\(baseURL)/api/tracelab/traces/{id}/verdict agrees with the verifier on each of \(total) traces",
            seen: failures.isEmpty ? "all \(total) agree" : "\(failures.count) of \(total) differ",
            failures: failures)
    }

    /// `reviews-v2 -> ratings: missing-b3` → `reviews-v2 -> ratings`.
    static func hopOf(_ label: String) -> String {
        label.range(of: ": ", options: .backwards).map { String(label[..<$0.lowerBound]) } ?? label
    }

    func verdict(of traceID: String) async -> Result<TraceJudgement, CheckFailure> {
        let url = "\(baseURL)/api/tracelab/traces/\(traceID)/verdict"
        let response: TraceBackendResponse
        do {
            response = try await transport.get(url)
        } catch {
            return .failure(CheckFailure("GET \(url) failed: \(error)"))
        }
        guard response.status == 200 else {
            return .failure(CheckFailure("GET \(url) answered \(response.status): \(String(decoding: response.body.prefix(200), as: UTF8.self))"))
        }
        do {
            return .success(TraceJudgement(try JSONDecoder().decode(TraceVerdict.self, from: Data(response.body))))
        } catch {
            return .failure(CheckFailure("GET \(url): not a verdict (\(error))"))
        }
    }
}
