import Foundation
import Testing
@testable import Scenario
@testable import ScenarioModel

/// The course page's document, built from file contents alone: lessons in course order with
/// their text, each with the last result the run saved, and bad files reported in place.
@Suite struct CourseDocumentTests {
    static func yaml(_ name: String, title: String) -> String {
        """
        name: \(name)
        lesson:
          title: \(title)
          shows: what \(name) shows
          look_at: where to look in \(name)
          try_next: after \(name)
        lab: bookinfo
        traffic: {requests: 4}
        expect:
          traces: 4
        """
    }

    static func outcome(_ name: String, file: String, passed: Bool, traces: [ScenarioOutcome.JudgedTrace] = []) -> ScenarioOutcome {
        ScenarioOutcome(name: name, file: file, lab: "bookinfo", lesson: Lesson(title: name), passed: passed,
                        results: [AssertionResult(field: "expect.traces", passed: passed, expected: "4 traces", seen: passed ? "4 traces" : "3 traces")],
                        traceCount: traces.count, durationMillis: 900, finishedAt: "2026-12-03T11:00:00Z", traces: traces)
    }

    static func report(_ outcomes: [ScenarioOutcome]) -> [UInt8] {
        Array(ScenarioReport.json(ScenarioRunReport(scenarios: outcomes)).utf8)
    }

    let lessons: [CourseDocument.LessonSource] = [
        .init(file: "/course/02-second.yaml", text: yaml("02-second", title: "Second question?")),
        .init(file: "/course/01-first.yaml", text: yaml("01-first", title: "First question?")),
    ]

    @Test("lessons come in file order with title, what they show and what to look at")
    func lessonText() {
        let document = CourseDocument.build(courseDirectory: "/course", lessons: lessons, results: .none)
        #expect(document.lessons.map(\.file) == ["01-first.yaml", "02-second.yaml"])
        let first = document.lessons[0]
        #expect(first.name == "01-first")
        #expect(first.title == "First question?")
        #expect(first.shows == "what 01-first shows")
        #expect(first.lookAt == "where to look in 01-first")
        #expect(first.tryNext == "after 01-first")
        #expect(first.lab == "bookinfo")
        #expect(first.result == nil && first.error == nil)
        #expect(document.resultsFile == nil && document.resultsError == nil)
    }

    @Test("each lesson gets the saved result of its scenario, with the traces the run judged")
    func results() {
        let traces = [ScenarioOutcome.JudgedTrace(traceID: "00000000000000aa", complete: false, breaks: ["reviews-v2 -> ratings: missing-b3"])]
        let saved = Self.report([Self.outcome("02-second", file: "scenarios/02-second.yaml", passed: false, traces: traces)])
        let document = CourseDocument.build(courseDirectory: "/course", lessons: lessons, results: .contents(path: "/lab/last.json", bytes: saved))
        #expect(document.lessons[0].result == nil, "01 has not run")
        let result = document.lessons[1].result
        #expect(result != nil, "02 has a result")
        #expect(result?.passed == false)
        #expect(result?.finishedAt == "2026-12-03T11:00:00Z")
        #expect(result?.traces == traces)
        #expect(result?.results.first?.seen == "3 traces")
        #expect(document.resultsFile == "/lab/last.json")
        #expect(document.resultsError == nil)
        #expect(document.otherResults.isEmpty)
    }

    @Test("a missing results file means nothing ran yet, not an error")
    func missingResults() {
        let document = CourseDocument.build(courseDirectory: "/course", lessons: lessons, results: .missing(path: "/lab/last.json"))
        #expect(document.lessons.count == 2)
        #expect(document.lessons.allSatisfy { $0.result == nil })
        #expect(document.resultsFile == "/lab/last.json")
        #expect(document.resultsError == nil)
    }

    @Test("a malformed results file is named with what is wrong; the lessons are still listed")
    func malformedResults() throws {
        let document = CourseDocument.build(courseDirectory: "/course", lessons: lessons,
                                            results: .contents(path: "/lab/last.json", bytes: Array(#"{"passed": true, "scenarios": [{"name": 3}]}"#.utf8)))
        #expect(document.lessons.count == 2)
        #expect(document.lessons.allSatisfy { $0.result == nil })
        let error = try #require(document.resultsError)
        #expect(error.contains("/lab/last.json"))
        #expect(error.contains("scenarios[0]"), "names where: \(error)")
        let notJSON = CourseDocument.build(courseDirectory: "/course", lessons: lessons, results: .contents(path: "/lab/last.json", bytes: Array("{oops".utf8)))
        #expect(notJSON.resultsError?.contains("invalid JSON") == true)
    }

    @Test("a malformed lesson file is listed with the parser's message, and keeps its result by file name")
    func malformedLesson() throws {
        let broken = CourseDocument.LessonSource(file: "/course/03-broken.yaml", text: "name: 03-broken\nlab: bookinfo\nexpect:\n  complet: true\n")
        let unreadable = CourseDocument.LessonSource(file: "/course/04-unreadable.yaml", text: nil, problem: "permission denied")
        let saved = Self.report([Self.outcome("03-broken", file: "scenarios/03-broken.yaml", passed: true)])
        let document = CourseDocument.build(courseDirectory: "/course", lessons: lessons + [broken, unreadable],
                                            results: .contents(path: "/lab/last.json", bytes: saved))
        #expect(document.lessons.map(\.file) == ["01-first.yaml", "02-second.yaml", "03-broken.yaml", "04-unreadable.yaml"])
        let third = document.lessons[2]
        let error = try #require(third.error)
        #expect(error.contains("03-broken.yaml") && error.contains("complet"), "\(error)")
        #expect(third.name == nil)
        #expect(third.result?.name == "03-broken")
        #expect(document.lessons[3].error?.contains("permission denied") == true)
        #expect(document.lessons[0].error == nil, "one bad file does not affect the others")
    }

    @Test("results of scenarios outside the course are kept apart")
    func otherResults() {
        let saved = Self.report([Self.outcome("99-elsewhere", file: "/tmp/99-elsewhere.yaml", passed: true)])
        let document = CourseDocument.build(courseDirectory: "/course", lessons: lessons, results: .contents(path: "/lab/last.json", bytes: saved))
        #expect(document.otherResults.map(\.name) == ["99-elsewhere"])
        #expect(document.lessons.allSatisfy { $0.result == nil })
    }

    @Test("merging keeps each lesson's newest result and the course order")
    func merge() {
        let old = ScenarioRunReport(scenarios: [Self.outcome("01-first", file: "scenarios/01-first.yaml", passed: true),
                                                Self.outcome("02-second", file: "scenarios/02-second.yaml", passed: true)])
        let merged = old.merged(with: [Self.outcome("02-second", file: "scenarios/02-second.yaml", passed: false),
                                       Self.outcome("00-zero", file: "other/00-zero.yaml", passed: true)])
        #expect(merged.scenarios.map(\.name) == ["00-zero", "01-first", "02-second"])
        #expect(merged.scenarios[2].passed == false)
        #expect(merged.passed == false)
    }

    @Test("a saved report decodes as the JSON report `--report json` prints")
    func sameFormat() throws {
        let outcomes = [Self.outcome("01-first", file: "scenarios/01-first.yaml", passed: true)]
        let printed = ScenarioReport.render(outcomes, format: .json, colour: false, verbose: false, uiURL: nil)
        let decoded = try JSONDecoder().decode(ScenarioRunReport.self, from: Data(printed.utf8))
        #expect(decoded.scenarios == outcomes)
        #expect(decoded.passed)
    }
}
