import Foundation
import ScenarioModel

/// The report formats of `tracelab run --report`.
public enum ScenarioReportFormat: String, CaseIterable, Sendable {
    case text, json, junit
}

/// Renders outcomes in a report format.
public enum ScenarioReport {
    /// `colour` applies to text only.
    public static func render(_ outcomes: [ScenarioOutcome], format: ScenarioReportFormat, colour: Bool, verbose: Bool, uiURL: String?) -> String {
        switch format {
        case .text:
            return TextReportRenderer(colour: colour, verbose: verbose, uiURL: uiURL).render(outcomes)
        case .junit:
            return JUnitReportRenderer().render(outcomes)
        case .json:
            return json(ScenarioRunReport(scenarios: outcomes))
        }
    }

    /// The JSON report's text; also what `tracelab run` saves as `.tracelab/runs/last.json`.
    public static func json(_ report: ScenarioRunReport) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(report) else { return "{\"error\":\"report could not be encoded\"}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// 0 all passed, 1 an assertion failed, 2 a scenario could not run.
    public static func exitCode(_ outcomes: [ScenarioOutcome]) -> Int32 {
        if outcomes.contains(where: { $0.error != nil }) { return 2 }
        return outcomes.allSatisfy(\.passed) ? 0 : 1
    }
}
