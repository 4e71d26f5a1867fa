import Foundation
import Testing
@testable import Scenario
@testable import ScenarioModel

/// Every lesson of scenarios/ must load (a typo there would only show up in a workshop).
@Suite struct CourseFilesTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scenarios").path

    @Test("every scenario file of the course parses and has a lesson text")
    func courseParses() throws {
        let scenarios = try ScenarioFileLoader.load(paths: [Self.directory])
        #expect(scenarios.count >= 10)
        for scenario in scenarios {
            #expect(scenario.lesson.shows != nil, "\(scenario.file) has no 'shows'")
            #expect(scenario.lesson.lookAt != nil, "\(scenario.file) has no 'look_at'")
            #expect(scenario.lesson.tryNext != nil, "\(scenario.file) has no 'try_next'")
        }
        #expect(Set(scenarios.map(\.name)).count == scenarios.count, "names are unique")
    }

    @Test("the demo tour parses")
    func demoParses() throws {
        #expect(try DemoTour.scenarios().count == 2)
    }

    @Test("a missing file is a scenario error naming it")
    func missingFile() {
        #expect(throws: ScenarioError.self) { try ScenarioFileLoader.load(path: "/nonexistent/x.yaml") }
    }
}
