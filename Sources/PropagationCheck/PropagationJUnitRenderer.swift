import JUnitXML

/// JUnit XML for CI, shaped like `tracelab run --report junit`: one `<testsuite>` per format,
/// one `<testcase>` per case, a `<failure>` naming each broken header (or "no downstream
/// call seen"); warnings go to `<system-out>`.
public struct PropagationJUnitRenderer: Sendable {
    public init() {}

    public func render(_ report: PropagationReport) -> String {
        let failing: (CaseResult) -> Bool = { $0.verdict == .broken || $0.verdict == .noDownstreamCall }
        let tests = report.cases.count
        let failures = report.cases.filter(failing).count
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<testsuites name="tracelab check-propagation" tests="\#(tests)" failures="\#(failures)" errors="0">"# + "\n"
        for verdict in report.verdicts {
            let cases = report.cases.filter { $0.format == verdict.format }
            let suite = "\(report.instance) \(verdict.format)"
            xml += #"  <testsuite name="\#(escape(suite))" tests="\#(cases.count)" failures="\#(cases.filter(failing).count)" errors="0">"# + "\n"
            for result in cases {
                xml += #"    <testcase classname="\#(escape(suite))" name="\#(escape(result.name))">"# + "\n"
                if result.verdict == .noDownstreamCall {
                    let message = "no downstream call seen while the app answered \(report.request)" + (result.appProblem.map { " (\($0))" } ?? "")
                    xml += #"      <failure message="\#(escape(message))"/>"# + "\n"
                } else if result.verdict == .broken {
                    let broken = result.sentences(.breaks)
                    xml += #"      <failure message="\#(escape(broken.joined(separator: "; ")))">"#
                    var details: [String] = []
                    for call in result.calls {
                        for finding in call.findings where finding.impact == .breaks {
                            details.append("to \(call.label): \(finding.header) sent \(finding.sent), seen \(finding.seen ?? "(none)")")
                        }
                    }
                    xml += escape(details.joined(separator: "\n")) + "</failure>\n"
                }
                let warnings = result.sentences(.warning)
                if !warnings.isEmpty {
                    xml += "      <system-out>\(escape(warnings.joined(separator: "\n")))</system-out>\n"
                }
                xml += "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    func escape(_ text: String) -> String {
        XMLText.escaped(text)
    }
}
