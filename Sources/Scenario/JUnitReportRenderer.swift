import ScenarioModel
import JUnitXML

/// JUnit XML for CI: one `<testsuite>` per scenario, one `<testcase>` per assertion, a
/// `<failure>` with the trace ids, hops, expected and seen; a run error is an `<error>`.
public struct JUnitReportRenderer: Sendable {
    public init() {}

    public func render(_ outcomes: [ScenarioOutcome]) -> String {
        let tests = outcomes.reduce(0) { $0 + max(1, $1.results.count) }
        let failures = outcomes.reduce(0) { $0 + $1.results.filter { !$0.passed }.count }
        let errors = outcomes.filter { $0.error != nil }.count
        let time = Double(outcomes.reduce(0) { $0 + $1.durationMillis }) / 1_000
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<testsuites name="tracelab" tests="\#(tests)" failures="\#(failures)" errors="\#(errors)" time="\#(time)">"# + "\n"
        for outcome in outcomes {
            let suiteFailures = outcome.results.filter { !$0.passed }.count
            xml += #"  <testsuite name="\#(escape(outcome.name))" tests="\#(max(1, outcome.results.count))" failures="\#(suiteFailures)" errors="\#(outcome.error == nil ? 0 : 1)" time="\#(Double(outcome.durationMillis) / 1_000)" file="\#(escape(outcome.file))">"# + "\n"
            if let error = outcome.error {
                xml += #"    <testcase classname="\#(escape(outcome.name))" name="run">"# + "\n"
                xml += #"      <error message="\#(escape(error))"/>"# + "\n"
                xml += "    </testcase>\n"
            }
            for result in outcome.results {
                xml += #"    <testcase classname="\#(escape(outcome.name))" name="\#(escape(result.field))">"#
                if result.passed {
                    xml += "</testcase>\n"
                    continue
                }
                xml += "\n"
                xml += #"      <failure message="\#(escape("expected \(result.expected); saw \(result.seen)"))">"#
                var details: [String] = []
                for failure in result.failures {
                    var line = ""
                    if let trace = failure.traceID { line += "trace \(trace) " }
                    if let hop = failure.hop { line += "at \(hop) " }
                    details.append(line + "expected: \(failure.expected); seen: \(failure.seen)")
                }
                if let trace = outcome.failingTrace, result.exampleTraceID.map({ $0.hasSuffix(trace.traceID) || trace.traceID.hasSuffix($0) }) == true {
                    details.append("")
                    details.append(trace.waterfall)
                }
                xml += escape(details.joined(separator: "\n"))
                xml += "</failure>\n    </testcase>\n"
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
