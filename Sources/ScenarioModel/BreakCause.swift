/// Why a hop broke, as a code lessons assert (`broken_links: {cause: missing-b3}`) and a
/// sentence students read. Derived from the spans alone: which ids and request ids survived.
public enum BreakCause: String, Hashable, Sendable, CaseIterable, Codable {
    /// The caller's outgoing call started a new trace but kept x-request-id: the app forwarded
    /// some headers, not the B3 ones the sidecar reads.
    case missingB3 = "missing-b3"
    /// The outgoing call started a new trace with a new x-request-id: no trace header reached
    /// the sidecar (nothing forwarded, or only a format the sidecar does not read).
    case missingHeaders = "missing-headers"
    /// The callee's SERVER span is not the child (or shared half) of the caller's CLIENT span.
    case serverNotJoined = "server-not-joined"
    /// The trace joined but x-request-id changed at the hop.
    case requestIDChanged = "request-id-changed"

    /// Cause codes of TraceAnalysis' findings a scenario may also name; a broken link matches
    /// them through the analysis' verdict of the trace.
    public static let analysisCodes: [String] = [
        "missing-context", "format-mismatch", "missing-request-id", "new-request-id", "missing-sampled",
        "sampling-mismatch", "missing-span", "orphan", "reused-context", "bypassed-sidecar", "missing-hop",
    ]

    /// Every code a scenario may name; `any` matches all.
    public static let codes: [String] = allCases.map(\.rawValue) + analysisCodes + ["any"]

    /// A sentence naming the culprit.
    public func explanation(for hop: HopName) -> String {
        switch self {
        case .missingB3:
            "\(hop.caller) did not forward the B3 headers (x-b3-* / b3) on its call to \(hop.callee): its sidecar started a new trace (x-request-id was kept)"
        case .missingHeaders:
            "\(hop.caller) forwarded no trace header its sidecar reads on its call to \(hop.callee): a new trace and a new x-request-id started there"
        case .serverNotJoined:
            "\(hop.callee)'s sidecar did not continue the context of \(hop.caller)'s CLIENT span"
        case .requestIDChanged:
            "\(hop.caller) did not forward x-request-id to \(hop.callee): the request id changed at this hop"
        }
    }
}
