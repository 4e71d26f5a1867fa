import Foundation
import Testing
@testable import Scenario
@testable import ScenarioModel
import TraceAnalysis

/// `--check-ui-verdicts`: the verifier's judgement of a trace against the collector's verdict.
@Suite struct VerdictAgreementTests {
    static func broken(_ id: String, _ breaks: [(String, String)]) -> TraceJudgement {
        TraceJudgement(traceID: id, complete: false, findings: breaks.map { hop, code in
            .init(kind: "split-hop", hop: hop, cause: "lost", code: code, brokenLink: true)
        } + [.init(kind: "clock-skew", hop: "x -> y", cause: "skew", code: "clock-skew", brokenLink: false)])
    }

    static let complete = TraceJudgement(traceID: "00000000000000c1", complete: true)
    static let split = broken("00000000000000b1", [("reviews-v2 -> ratings", "missing-b3")])

    @Test("the same story agrees; warnings and finding order do not matter")
    func agree() {
        #expect(Self.complete.disagreement(with: Self.complete) == nil)
        let reordered = TraceJudgement(traceID: Self.split.traceID, complete: false, findings: Self.split.findings.reversed())
        #expect(Self.split.disagreement(with: reordered) == nil)
    }

    @Test("complete against broken disagrees, naming the breaks")
    func completeness() throws {
        var collector = Self.split
        collector.traceID = Self.complete.traceID
        let text = try #require(Self.complete.disagreement(with: collector, judge: "verifier", otherJudge: "UI"))
        #expect(text == "verifier: complete, UI: broken (reviews-v2 -> ratings: missing-b3)")
    }

    @Test("both broken, at another hop or with another cause, disagrees")
    func hopsAndCauses() throws {
        let otherCause = Self.broken(Self.split.traceID, [("reviews-v2 -> ratings", "missing-trace-headers")])
        let text = try #require(Self.split.disagreement(with: otherCause, judge: "verifier", otherJudge: "UI"))
        #expect(text.contains("only verifier: reviews-v2 -> ratings: missing-b3"))
        #expect(text.contains("only UI: reviews-v2 -> ratings: missing-trace-headers"))
        let extraHop = Self.broken(Self.split.traceID, [("reviews-v2 -> ratings", "missing-b3"), ("productpage-v1 -> details", "missing-b3")])
        #expect(Self.split.disagreement(with: extraHop) != nil)
    }

    /// Recorded answers of a collector, by URL.
    struct RecordedCollector: TraceBackendTransport {
        var answers: [String: TraceBackendResponse]
        func get(_ url: String) async throws(TraceBackendError) -> TraceBackendResponse {
            answers[url] ?? TraceBackendResponse(status: 404, body: Array(#"{"error":"trace not found"}"#.utf8))
        }
    }

    /// What the collector's verdict endpoint answers: TraceAnalysis' own type, encoded.
    static func verdictJSON(_ id: String, complete: Bool, hop: String? = nil) -> [UInt8] {
        let findings = hop.map { [TraceFinding(kind: .splitHop, severity: .error, hop: $0, cause: "lost", code: .missingB3, brokenLink: true)] } ?? []
        let verdict = TraceVerdict(traceID: id, complete: complete, spanCount: 3, findings: findings)
        return (try? Array(JSONEncoder().encode(verdict))) ?? []
    }

    @Test("the check asks the verdict endpoint for every trace and fails on a differing or missing verdict")
    func check() async throws {
        let base = "http://127.0.0.1:9411"
        let agreeing = RecordedCollector(answers: [
            "\(base)/api/tracelab/traces/00000000000000c1/verdict": .init(status: 200, body: Self.verdictJSON("00000000000000c1", complete: true)),
            "\(base)/api/tracelab/traces/00000000000000b1/verdict": .init(status: 200, body: Self.verdictJSON("00000000000000b1", complete: false, hop: "reviews-v2 -> ratings")),
        ])
        let passed = await CollectorVerdictCheck(baseURL: base + "/", transport: agreeing).check([Self.complete, Self.split])
        #expect(passed.passed, "\(passed.failures)")
        #expect(passed.field == "verifier.ui_verdicts")
        #expect(passed.seen == "all 2 agree")

        var differing = agreeing
        differing.answers["\(base)/api/tracelab/traces/00000000000000c1/verdict"] = .init(
            status: 200, body: Self.verdictJSON("00000000000000c1", complete: false, hop: "productpage-v1 -> details"))
        let missing = TraceJudgement(traceID: "00000000000000d1", complete: true)
        let failed = await CollectorVerdictCheck(baseURL: base, transport: differing).check([Self.complete, Self.split, missing])
        #expect(!failed.passed)
        #expect(failed.seen == "2 of 3 differ")
        let first = try #require(failed.failures.first { $0.traceID == "00000000000000c1" })
        #expect(first.seen == "verifier: complete, UI: broken (productpage-v1 -> details: missing-b3)")
        #expect(first.hop == "productpage-v1 -> details")
        let absent = try #require(failed.failures.first { $0.traceID == "00000000000000d1" })
        #expect(absent.seen.contains("404"))
    }
}
