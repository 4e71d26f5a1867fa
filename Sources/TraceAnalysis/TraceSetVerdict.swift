/// The verdicts of several traces judged together, and the links found between them.
public struct TraceSetVerdict: Codable, Hashable, Sendable {
    /// One verdict per trace, in the order the traces were given.
    public var traces: [TraceVerdict]
    /// Hops whose two sides landed in different traces.
    public var links: [TraceLink]

    public init(traces: [TraceVerdict], links: [TraceLink]) {
        self.traces = traces
        self.links = links
    }

    /// Every trace complete.
    public var complete: Bool { traces.allSatisfy(\.complete) }

    /// The verdict of one trace by its id.
    public func verdict(for traceID: String) -> TraceVerdict? { traces.first { $0.traceID == traceID } }
}

/// A hop split across two traces: the caller's side is in `fromTraceID`, the callee's side
/// starts `toTraceID`.
public struct TraceLink: Codable, Hashable, Sendable {
    /// `caller -> callee`.
    public var hop: String
    public var code: TraceFinding.Cause
    /// The `guid:x-request-id` both sides share, nil when matched by time only.
    public var requestID: String?
    public var fromTraceID: String
    /// The last span of the caller's side (its CLIENT span, or the SERVER span it called from).
    public var fromSpanID: String
    public var toTraceID: String
    /// The root of the callee's trace.
    public var toSpanID: String

    public init(hop: String, code: TraceFinding.Cause, requestID: String?, fromTraceID: String, fromSpanID: String, toTraceID: String, toSpanID: String) {
        self.hop = hop
        self.code = code
        self.requestID = requestID
        self.fromTraceID = fromTraceID
        self.fromSpanID = fromSpanID
        self.toTraceID = toTraceID
        self.toSpanID = toSpanID
    }
}
