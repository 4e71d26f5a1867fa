import Foundation
import Testing
@testable import Scenario
@testable import ScenarioModel

@Suite struct ReportRenderingTests {
    let failing = ScenarioOutcome(
        name: "03-reviews-forgets-b3", file: "scenarios/03.yaml", lab: "bookinfo", lesson: Lesson(title: "Why did it break?"), passed: false,
        results: [
            AssertionResult(field: "expect.traces", passed: true, expected: "30 traces", seen: "30 traces"),
            AssertionResult(field: "expect.complete", passed: false, expected: "all 30 traces complete", seen: "0 of 30 complete",
                            failures: [.init(traceID: "00000000000000aa", hop: "reviews-v2 -> ratings", expected: "one trace", seen: "2 traces: <reviews-v2> & co")]),
        ],
        traffic: .init(sent: 30, errors: 0, p50Micros: 12_000, p99Micros: 40_000),
        wait: .init(polls: 3, waitedMillis: 400, timedOut: false, missing: []),
        traceCount: 60,
        failingTrace: .init(traceID: "00000000000000aa", why: "expect.complete", waterfall: "productpage |=====|\n"),
        durationMillis: 1_500)

    @Test("text names the failed assertion, the trace, the hop, expected and seen, and draws the trace")
    func text() {
        let text = TextReportRenderer(colour: false).render([failing])
        #expect(text.contains("FAIL  03-reviews-forgets-b3"))
        #expect(text.contains("✗ expect.complete"))
        #expect(text.contains("trace 00000000000000aa at reviews-v2 -> ratings"))
        #expect(text.contains("expected: one trace"))
        #expect(text.contains("seen:     2 traces"))
        #expect(text.contains("productpage |=====|"))
        #expect(text.contains("1 scenario: 0 passed, 1 failed"))
        #expect(!text.contains("\u{1B}["), "no escape codes without colour")
    }

    @Test("JUnit has one testcase per assertion and escapes XML")
    func junit() {
        let xml = JUnitReportRenderer().render([failing])
        #expect(xml.contains(#"<testsuite name="03-reviews-forgets-b3" tests="2" failures="1""#))
        #expect(xml.contains(#"<testcase classname="03-reviews-forgets-b3" name="expect.traces"></testcase>"#))
        #expect(xml.contains("&lt;reviews-v2&gt; &amp; co"))
        #expect(xml.contains("trace 00000000000000aa at reviews-v2 -&gt; ratings") || xml.contains("at reviews-v2 -&gt; ratings"))
    }

    @Test("JSON round-trips the outcome")
    func json() throws {
        let text = ScenarioReport.render([failing], format: .json, colour: false, verbose: false, uiURL: nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["passed"] as? Bool == false)
        let scenarios = try #require(object["scenarios"] as? [[String: Any]])
        #expect(scenarios.first?["name"] as? String == "03-reviews-forgets-b3")
    }

    @Test("exit codes: 0 pass, 1 assertion failed, 2 could not run")
    func exitCodes() {
        var passing = failing
        passing.passed = true
        var broken = failing
        broken.error = "lab down"
        #expect(ScenarioReport.exitCode([passing]) == 0)
        #expect(ScenarioReport.exitCode([passing, failing]) == 1)
        #expect(ScenarioReport.exitCode([failing, broken]) == 2)
    }
}
