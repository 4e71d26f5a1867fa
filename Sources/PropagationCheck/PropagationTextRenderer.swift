/// The text report: a table per header (each case that sent it, on each downstream call),
/// then a verdict per format. Plain text; `✓` fine, `!` a warning, `✗` a break, `·` no
/// effect of its own (a parent span id that went with a dropped trace id).
public struct PropagationTextRenderer: Sendable {
    public init() {}

    public func render(_ report: PropagationReport) -> String {
        var lines: [String] = []
        lines.append("tracelab check-propagation: \(report.app) as \(report.instance), \(report.request)")
        lines.append("the app's outbound (capture server): \(report.outbound)" + (report.log.map { "; its output: \($0)" } ?? ""))
        let answered = report.cases.filter { $0.appStatus != nil }.count
        let withCalls = report.cases.filter { !$0.calls.isEmpty }.count
        lines.append("\(report.cases.count) cases, \(answered) answered, \(withCalls) with downstream calls")
        for result in report.cases {
            if let problem = result.appProblem { lines.append("  \(result.name): \(problem)") }
        }

        let caseWidth = report.cases.map(\.name.count).max() ?? 4
        let outcomeWidth = HeaderOutcome.allCases.map(\.description.count).max() ?? 10
        for header in PropagationCase.reportOrder {
            let cases = report.cases.filter { $0.sent[header] != nil }
            guard !cases.isEmpty else { continue }
            lines.append("")
            lines.append(header)
            for result in cases {
                let sent = result.sent[header] ?? ""
                if result.calls.isEmpty {
                    lines.append("  \(pad(result.name, caseWidth)) ✗ \(pad("no downstream call seen", outcomeWidth))")
                    continue
                }
                for call in result.calls {
                    guard let finding = call.findings.first(where: { $0.header == header }) else { continue }
                    let mark = switch finding.impact {
                    case .none: finding.outcome == .forwarded || finding.outcome == .child ? "✓" : "·"
                    case .warning: "!"
                    case .breaks: "✗"
                    }
                    var line = "  \(pad(result.name, caseWidth)) \(mark) \(pad(finding.outcome.description, outcomeWidth))  to \(call.label)"
                    if let detail = finding.detail { line += ": \(detail)" }
                    lines.append(line)
                    if finding.seen != sent {
                        let indent = String(repeating: " ", count: caseWidth + 6)
                        lines.append("\(indent)sent \(sent)")
                        lines.append("\(indent)seen \(finding.seen ?? "(none)")")
                    }
                }
            }
        }

        lines.append("")
        lines.append("Verdicts")
        let formatWidth = report.verdicts.map(\.format.count).max() ?? 3
        for verdict in report.verdicts {
            let word = switch verdict.verdict {
            case .propagates: "✓ propagates"
            case .propagatesWithWarnings: "! propagates, with warnings"
            case .broken: "✗ BROKEN"
            case .noDownstreamCall: "✗ no downstream call seen"
            }
            lines.append("  \(pad(verdict.format, formatWidth))  \(word)")
            if verdict.verdict != .noDownstreamCall {
                for reason in verdict.reasons { lines.append("  \(pad("", formatWidth))    ✗ \(reason)") }
            }
            for warning in verdict.warnings { lines.append("  \(pad("", formatWidth))    ! \(warning)") }
        }
        if report.noDownstreamCall {
            lines.append("")
            lines.append("no downstream call seen: the app made no call through \(report.outbound) while answering \(report.request), so there was nothing to judge.")
            lines.append("Does it call another service for that request? Is --path right? Does it send its calls to TRACELAB_OUTBOUND?")
        }
        let passed = report.verdicts.filter(\.verdict.passes).count
        lines.append("")
        lines.append("\(passed) of \(report.verdicts.count) formats propagate")
        return lines.joined(separator: "\n") + "\n"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
