import Collector
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SpanStore
import Testing

/// `GET /api/tracelab/course` over HTTP, on real files: the lessons of --course-dir and the
/// results file of --course-results, read on every request; bad files are reported in the
/// document and the collector keeps serving.
@Suite("Collector: the course page's API")
struct CourseHTTPTests {
    static let logger = Logger(label: "collector-tests")

    static let lesson = """
        name: 01-happy-path
        lesson:
          title: What does a complete trace look like?
          shows: one trace per request
          look_at: the span ids
          try_next: lesson 03
        lab: bookinfo
        traffic: {requests: 2}
        expect:
          traces: 2
        """

    static let results = #"""
        {"passed": false, "scenarios": [{"name": "01-happy-path", "file": "scenarios/01-happy-path.yaml", "lab": "bookinfo",
          "lesson": {"title": "What does a complete trace look like?"}, "passed": false, "results": [
            {"field": "expect.traces", "passed": false, "expected": "2 traces", "seen": "1 trace", "failures": [], "failureCount": 0}],
          "traceCount": 1, "durationMillis": 1200, "finishedAt": "2026-12-03T11:00:00Z",
          "traces": [{"traceID": "000000000000000a", "complete": true, "breaks": []}]}]}
        """#

    /// A fresh directory with `files`, removed after `body`.
    static func withCourse(_ files: [String: String], _ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tracelab-course-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/scenarios", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        try await body(directory)
    }

    static func course(_ client: any TestClientProtocol) async throws -> [String: Any] {
        let response = try await client.execute(uri: "/api/tracelab/course", method: .get)
        #expect(response.status == .ok)
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    @Test("lessons with their text; no results file yet; then the run's results; then a broken file")
    func lessonsAndResults() async throws {
        try await Self.withCourse(["scenarios/01-happy-path.yaml": Self.lesson, "scenarios/02-typo.yaml": "name: 02-typo\nlab: bookinfo\nexpect: {complet: true}\n"]) { directory in
            let resultsPath = directory + "/.tracelab/runs/last.json"
            let configuration = CollectorConfiguration(port: 0, courseDirectory: directory + "/scenarios", courseResults: resultsPath)
            let app = buildCollectorApplication(configuration: configuration, store: MemorySpanStore(), logger: Self.logger)
            try await app.test(.router) { client in
                var body = try await Self.course(client)
                var lessons = try #require(body["lessons"] as? [[String: Any]])
                #expect(lessons.map { $0["file"] as? String } == ["01-happy-path.yaml", "02-typo.yaml"])
                #expect(lessons[0]["title"] as? String == "What does a complete trace look like?")
                #expect(lessons[0]["lookAt"] as? String == "the span ids")
                #expect(lessons[0]["result"] == nil, "nothing ran yet")
                #expect(body["resultsError"] == nil, "a missing results file is not an error")
                #expect((lessons[1]["error"] as? String)?.contains("complet") == true, "the typo is named")

                try FileManager.default.createDirectory(atPath: directory + "/.tracelab/runs", withIntermediateDirectories: true)
                try Self.results.write(toFile: resultsPath, atomically: true, encoding: .utf8)
                body = try await Self.course(client)
                lessons = try #require(body["lessons"] as? [[String: Any]])
                let result = try #require(lessons[0]["result"] as? [String: Any])
                #expect(result["passed"] as? Bool == false)
                #expect(result["finishedAt"] as? String == "2026-12-03T11:00:00Z")
                #expect((result["traces"] as? [[String: Any]])?.first?["traceID"] as? String == "000000000000000a")

                try "{\"passed\": tru".write(toFile: resultsPath, atomically: true, encoding: .utf8)
                body = try await Self.course(client)
                #expect((body["resultsError"] as? String)?.contains(resultsPath) == true)
                #expect((body["lessons"] as? [[String: Any]])?.count == 2, "the lessons are still listed")

                // The UI's deep link loads the page.
                let page = try await client.execute(uri: "/course", method: .get)
                #expect(page.status == .ok)
                #expect(String(decoding: page.body.readableBytesView, as: UTF8.self).contains("view-course"))
            }
        }
    }

    @Test("without --course-dir the document says so and lists nothing")
    func noCourse() async throws {
        try await TestCollector.run(logger: Self.logger) { client, _ in
            let body = try await Self.course(client)
            #expect((body["lessons"] as? [Any])?.isEmpty == true)
            #expect(body["courseDirectory"] == nil)
        }
    }
}
