import ScenarioModel
import TraceAnalysis

extension TraceJudgement {
    /// The part of TraceAnalysis' verdict the scenario assertions read.
    public init(_ verdict: TraceVerdict) {
        self.init(
            traceID: verdict.traceID,
            complete: verdict.complete,
            findings: verdict.findings.map { finding in
                Finding(kind: finding.kind.rawValue, hop: finding.hop, cause: finding.cause, code: finding.code.rawValue,
                        spanIDs: finding.spanIDs, brokenLink: finding.brokenLink)
            },
            clockSkew: verdict.clockSkew.map { estimate in
                ClockSkew(service: estimate.service, hop: estimate.hop, offsetMicroseconds: estimate.offsetMicroseconds,
                          adjustedSpanCount: estimate.adjustedSpanCount)
            }
        )
    }
}
