import Foundation

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
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let document = JSONReport(passed: outcomes.allSatisfy(\.passed), scenarios: outcomes)
            guard let data = try? encoder.encode(document) else { return "{\"error\":\"report could not be encoded\"}\n" }
            return String(decoding: data, as: UTF8.self) + "\n"
        }
    }

    struct JSONReport: Encodable {
        var passed: Bool
        var scenarios: [ScenarioOutcome]
    }

    /// 0 all passed, 1 an assertion failed, 2 a scenario could not run.
    public static func exitCode(_ outcomes: [ScenarioOutcome]) -> Int32 {
        if outcomes.contains(where: { $0.error != nil }) { return 2 }
        return outcomes.allSatisfy(\.passed) ? 0 : 1
    }
}
