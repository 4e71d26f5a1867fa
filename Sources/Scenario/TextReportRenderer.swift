import Rainbow
import ScenarioModel

/// The terminal summary a student reads: per scenario pass/fail, and for each failure the
/// trace id, the hop, what was expected and what was seen, plus the waterfall of one
/// offending trace. Colour only when asked (on a TTY); plain text otherwise.
public struct TextReportRenderer: Sendable {
    public var colour: Bool
    public var verbose: Bool
    /// Base URL of the collector's UI, for "open this trace" links.
    public var uiURL: String?

    public init(colour: Bool, verbose: Bool = false, uiURL: String? = nil) {
        self.colour = colour
        self.verbose = verbose
        self.uiURL = uiURL
    }

    func paint(_ text: String, _ style: (String) -> String) -> String { colour ? style(text) : text }

    public func render(_ outcomes: [ScenarioOutcome]) -> String {
        var out = ""
        for outcome in outcomes { out += render(outcome) + "\n" }
        let passed = outcomes.filter(\.passed).count
        let errors = outcomes.filter { $0.error != nil }.count
        let failed = outcomes.count - passed - errors
        var summary = "\(outcomes.count) scenario\(outcomes.count == 1 ? "" : "s"): \(passed) passed"
        if failed > 0 { summary += ", \(failed) failed" }
        if errors > 0 { summary += ", \(errors) could not run" }
        out += paint(summary, { failed + errors > 0 ? $0.red.bold : $0.green.bold }) + "\n"
        if let uiURL { out += "Traces in the UI: \(uiURL)\n" }
        return out
    }

    public func render(_ outcome: ScenarioOutcome) -> String {
        var lines: [String] = []
        let badge = outcome.error != nil ? paint("ERROR", { $0.red.bold }) : outcome.passed ? paint("PASS ", { $0.green.bold }) : paint("FAIL ", { $0.red.bold })
        lines.append("\(badge) \(paint(outcome.name, { $0.bold }))  \(outcome.lesson.title)")
        if let error = outcome.error {
            lines.append("      \(error)")
            return lines.joined(separator: "\n")
        }
        let width = outcome.results.map(\.field.count).max() ?? 0
        for result in outcome.results {
            let mark = result.passed ? paint("✓", { $0.green }) : paint("✗", { $0.red })
            let field = result.field.padding(to: width)
            if result.passed {
                lines.append("  \(mark) \(field)  \(result.seen)")
                continue
            }
            lines.append("  \(mark) \(paint(field, { $0.red }))  expected \(result.expected); saw \(result.seen)")
            for failure in result.failures {
                var head = "      -"
                if let trace = failure.traceID { head += " trace \(paint(trace, { $0.cyan }))" }
                if let hop = failure.hop { head += " at \(paint(hop, { $0.yellow }))" }
                lines.append(head + ":")
                lines.append("          expected: \(failure.expected)")
                lines.append("          seen:     \(failure.seen)")
            }
            if result.failureCount > result.failures.count {
                lines.append("      … and \(result.failureCount - result.failures.count) more")
            }
        }
        if let traffic = outcome.traffic {
            var text = "  traffic: \(traffic.sent) requests, \(traffic.errors) errors"
            if let p50 = traffic.p50Micros, let p99 = traffic.p99Micros {
                text += ", p50 \(DurationText.format(microseconds: Double(p50))), p99 \(DurationText.format(microseconds: Double(p99)))"
            }
            if let wait = outcome.wait {
                text += "; \(outcome.traceCount) traces read back in \(DurationText.format(microseconds: Double(wait.waitedMillis) * 1_000)) (\(wait.polls) polls)"
                if wait.timedOut { text += paint(", deadline reached", { $0.yellow }) }
            }
            lines.append(paint(text, { $0.dim }))
        }
        if let wait = outcome.wait, wait.timedOut, !wait.missing.isEmpty, verbose || !outcome.passed {
            lines.append("  spans that never arrived:")
            for missing in wait.missing.prefix(verbose ? 50 : 5) {
                lines.append("      - request \(missing.requestID ?? "#\(missing.requestIndex)") trace \(missing.traceIDs.first ?? "(none)"): \(missing.missing.joined(separator: ", "))")
            }
        }
        if let trace = outcome.failingTrace {
            lines.append("")
            lines.append("  One offending trace — \(trace.why)")
            lines.append(indent(trace.waterfall))
            if let uiURL { lines.append("  open it: \(uiURL)/#/traces/\(trace.traceID)") }
        } else if verbose, let trace = outcome.goodTrace {
            lines.append("")
            lines.append("  A complete trace:")
            lines.append(indent(trace.waterfall))
        }
        return lines.joined(separator: "\n")
    }

    public func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
