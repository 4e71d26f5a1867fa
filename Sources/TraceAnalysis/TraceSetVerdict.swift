/// The verdicts of several traces judged together, and the links found between them.
public struct TraceSetVerdict: Codable, Hashable, Sendable {
    /// One verdict per trace, in the order the traces were given.
    public var traces: [TraceVerdict]
    /// Hops whose two sides landed in different traces.
    public var links: [TraceLink]
    /// Fragments whose caller could be any of several requests running at the time (matched
    /// by time only, see `FragmentTimeMatcher`).
    public var ambiguousLinks: [AmbiguousTraceLink]

    public init(traces: [TraceVerdict], links: [TraceLink], ambiguousLinks: [AmbiguousTraceLink] = []) {
        self.traces = traces
        self.links = links
        self.ambiguousLinks = ambiguousLinks
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
    /// Why the hop broke, in words a student understands (the cause of both traces' findings).
    public var cause: String

    public init(
        hop: String, code: TraceFinding.Cause, requestID: String?, fromTraceID: String, fromSpanID: String,
        toTraceID: String, toSpanID: String, cause: String = ""
    ) {
        self.hop = hop
        self.code = code
        self.requestID = requestID
        self.fromTraceID = fromTraceID
        self.fromSpanID = fromSpanID
        self.toTraceID = toTraceID
        self.toSpanID = toSpanID
        self.cause = cause
    }
}

/// A fragment that lost every header on its first hop while its node was serving several
/// requests at once: one of `candidates` made the call, the spans cannot say which.
public struct AmbiguousTraceLink: Codable, Hashable, Sendable {
    /// A request that may have made the call: its trace and its SERVER span at the node.
    public struct Candidate: Codable, Hashable, Sendable {
        public var traceID: String
        public var spanID: String

        public init(traceID: String, spanID: String) {
            self.traceID = traceID
            self.spanID = spanID
        }
    }

    /// `caller -> callee`.
    public var hop: String
    public var code: TraceFinding.Cause
    public var toTraceID: String
    /// The fragment's root CLIENT span.
    public var toSpanID: String
    /// In start order; at least two.
    public var candidates: [Candidate]
    public var cause: String

    public init(hop: String, code: TraceFinding.Cause, toTraceID: String, toSpanID: String, candidates: [Candidate], cause: String) {
        self.hop = hop
        self.code = code
        self.toTraceID = toTraceID
        self.toSpanID = toSpanID
        self.candidates = candidates
        self.cause = cause
    }
}
