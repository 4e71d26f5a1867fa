/// One header of one case on one downstream call: what was sent, what arrived, and the
/// judgement.
public struct HeaderFinding: Codable, Hashable, Sendable {
    public var header: String
    public var sent: String
    /// Nil when the app did not send the header on.
    public var seen: String?
    public var outcome: HeaderOutcome
    public var impact: Impact
    /// Why, when the outcome alone does not say (`sampling flipped: sent 1, seen 0`).
    public var detail: String?

    public init(header: String, sent: String, seen: String?, outcome: HeaderOutcome, impact: Impact, detail: String? = nil) {
        self.header = header
        self.sent = sent
        self.seen = seen
        self.outcome = outcome
        self.impact = impact
        self.detail = detail
    }

    /// `x-b3-sampled dropped (sampling decision lost: …)`.
    public var sentence: String {
        "\(header) \(outcome)" + (detail.map { " (\($0))" } ?? "")
    }
}
