extension TraceJudgement {
    /// The broken links as `hop: code` (`reviews-v2 -> ratings: missing-b3`), sorted.
    public var brokenLinkLabels: [String] {
        findings.filter(\.brokenLink).map { "\($0.hop ?? "?"): \($0.code ?? $0.kind)" }.sorted()
    }

    /// Where `other` — another judge's verdict of the same trace, e.g. the collector's verdict
    /// endpoint the UI shows — tells a different story than this one: whether the trace is
    /// complete and, when it is broken, at which hops and why. Nil when they agree. `judge` and
    /// `otherJudge` name the two in the message (`verifier`, `UI`).
    public func disagreement(with other: TraceJudgement, judge: String = "this", otherJudge: String = "other") -> String? {
        func state(_ judgement: TraceJudgement) -> String { judgement.complete ? "complete" : "broken" }
        if complete != other.complete {
            let breaks = (complete ? other : self).brokenLinkLabels
            return "\(judge): \(state(self)), \(otherJudge): \(state(other))" + (breaks.isEmpty ? "" : " (\(breaks.joined(separator: "; ")))")
        }
        guard !complete else { return nil }
        let mine = Set(brokenLinkLabels), theirs = Set(other.brokenLinkLabels)
        guard mine != theirs else { return nil }
        let onlyHere = mine.subtracting(theirs).sorted(), onlyThere = theirs.subtracting(mine).sorted()
        var parts: [String] = []
        if !onlyHere.isEmpty { parts.append("only \(judge): \(onlyHere.joined(separator: "; "))") }
        if !onlyThere.isEmpty { parts.append("only \(otherJudge): \(onlyThere.joined(separator: "; "))") }
        return "broken links differ, " + parts.joined(separator: ", ")
    }
}
