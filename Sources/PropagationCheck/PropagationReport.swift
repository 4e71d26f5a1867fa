import Foundation

/// The result of `tracelab check-propagation`: every case, a verdict per format, and where the
/// app ran. Its JSON form is the `--report json` output.
public struct PropagationReport: Codable, Hashable, Sendable {
    /// `127.0.0.1:8000`, or the command `check-propagation` started.
    public var app: String
    /// The instance the app stood in for (`reviews-v2`): the contract it was given.
    public var instance: String
    /// What each case requested: `GET /reviews/0`.
    public var request: String
    /// The capture server, i.e. the outbound address the app must call.
    public var outbound: String
    /// The started command's output, when check-propagation started the app.
    public var log: String?
    public var cases: [CaseResult]
    public var verdicts: [FormatVerdict]

    public init(app: String, instance: String, request: String, outbound: String, log: String?, cases: [CaseResult]) {
        self.app = app
        self.instance = instance
        self.request = request
        self.outbound = outbound
        self.log = log
        self.cases = cases
        var formats: [String] = []
        for result in cases where !formats.contains(result.format) { formats.append(result.format) }
        verdicts = formats.map { format in FormatVerdict(format: format, cases: cases.filter { $0.format == format }) }
    }

    /// True when no case saw a downstream call: the app did not call through the outbound
    /// address at all, so nothing was judged.
    public var noDownstreamCall: Bool {
        cases.allSatisfy { $0.calls.isEmpty }
    }

    /// 0 when every format propagates (warnings allowed), 1 otherwise, as `tracelab run`
    /// (2, usage and set-up errors, never comes from a report).
    public var exitCode: Int32 {
        verdicts.allSatisfy(\.verdict.passes) && !verdicts.isEmpty ? 0 : 1
    }

    /// Pretty, key-sorted JSON, as `tracelab run --report json`.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{\"error\":\"report could not be encoded\"}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
