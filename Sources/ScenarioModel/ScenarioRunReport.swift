/// The document `tracelab run --report json` writes, and `.tracelab/runs/last.json` holds:
/// `{"passed": …, "scenarios": [ScenarioOutcome]}`. One format for scripts, CI and the
/// collector's course page.
public struct ScenarioRunReport: Codable, Sendable, Hashable {
    /// Every scenario of the report passed.
    public var passed: Bool
    public var scenarios: [ScenarioOutcome]

    public init(scenarios: [ScenarioOutcome]) {
        self.passed = scenarios.allSatisfy(\.passed)
        self.scenarios = scenarios
    }

    /// The last result of each lesson: `newer`'s scenarios replace this report's of the same
    /// name, the others are kept, so running one lesson does not forget the rest of the course.
    /// Ordered by file name (the course order), then name.
    public func merged(with newer: [ScenarioOutcome]) -> ScenarioRunReport {
        let replaced = Set(newer.map(\.name))
        let all = scenarios.filter { !replaced.contains($0.name) } + newer
        return ScenarioRunReport(scenarios: all.sorted { lhs, rhs in
            let (left, right) = (Self.fileName(lhs.file), Self.fileName(rhs.file))
            return left != right ? left < right : lhs.name < rhs.name
        })
    }

    /// `scenarios/03-x.yaml` → `03-x.yaml`.
    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
