/// One request seen whole: every trace ("fragment") it left behind and every hop where its
/// context was lost, so a reader of any one fragment sees the others and where it broke.
///
/// A request that kept its context is one trace and one fragment. Each lost context starts a
/// new trace; `TraceSetAnalyzer` links the two sides (`TraceLink`) by a shared x-request-id or,
/// when that was lost too, by time. The fragments of a request are the traces connected by
/// those links. A fragment matched by time to one of several requests running at once is not
/// joined to any of them: it is listed, with `possible: true`, in the request of each candidate
/// (and each candidate in its request), and the break is `ambiguous`.
///
/// Part of the verdict JSON (`request`); field names are a contract with the UI.
public struct RequestVerdict: Codable, Hashable, Sendable {
    /// A trace of the request.
    public struct Fragment: Codable, Hashable, Sendable {
        public var traceID: String
        /// This trace's own verdict (with the split-hop findings of its breaks).
        public var complete: Bool
        public var rootSpanID: String?
        /// `node_id` (else service) of the root span.
        public var rootService: String?
        /// `SERVER`, `CLIENT`, … of the root span.
        public var rootKind: String?
        /// Epoch µs (skew-adjusted within the trace).
        public var startTimestamp: UInt64?
        public var durationMicroseconds: UInt64
        public var spanCount: Int
        public var requestIDs: [String]
        /// Where the request began: no break leads into this trace.
        public var entry: Bool
        /// Only an ambiguous break ties this trace to the request.
        public var possible: Bool

        public init(
            traceID: String, complete: Bool, rootSpanID: String?, rootService: String?, rootKind: String?,
            startTimestamp: UInt64?, durationMicroseconds: UInt64, spanCount: Int, requestIDs: [String], entry: Bool, possible: Bool
        ) {
            self.traceID = traceID
            self.complete = complete
            self.rootSpanID = rootSpanID
            self.rootService = rootService
            self.rootKind = rootKind
            self.startTimestamp = startTimestamp
            self.durationMicroseconds = durationMicroseconds
            self.spanCount = spanCount
            self.requestIDs = requestIDs
            self.entry = entry
            self.possible = possible
        }
    }

    /// A hop whose context was lost: the caller's side in one fragment, the callee's in another.
    public struct Break: Codable, Hashable, Sendable {
        /// What tied the two sides together.
        public enum Evidence: String, Codable, Hashable, Sendable {
            /// Both sides carry the same x-request-id.
            case requestID = "request-id"
            /// Nothing but time: the caller's sidecar was serving the request when the call left.
            case time
        }

        /// `caller -> callee` (`reviews-v2 -> ratings`).
        public var hop: String
        public var code: TraceFinding.Cause
        public var cause: String
        public var matchedBy: Evidence
        public var requestID: String?
        /// The caller's side; nil when `ambiguous`.
        public var fromTraceID: String?
        public var fromSpanID: String?
        /// The trace the call started, and its root span.
        public var toTraceID: String
        public var toSpanID: String
        /// Several requests could have made the call: `candidates` lists them all.
        public var ambiguous: Bool
        public var candidates: [AmbiguousTraceLink.Candidate]

        public init(
            hop: String, code: TraceFinding.Cause, cause: String, matchedBy: Evidence, requestID: String?,
            fromTraceID: String?, fromSpanID: String?, toTraceID: String, toSpanID: String,
            ambiguous: Bool = false, candidates: [AmbiguousTraceLink.Candidate] = []
        ) {
            self.hop = hop
            self.code = code
            self.cause = cause
            self.matchedBy = matchedBy
            self.requestID = requestID
            self.fromTraceID = fromTraceID
            self.fromSpanID = fromSpanID
            self.toTraceID = toTraceID
            self.toSpanID = toSpanID
            self.ambiguous = ambiguous
            self.candidates = candidates
        }
    }

    /// No fragment has an error finding and no break is ambiguous: the request is one
    /// complete trace.
    public var complete: Bool
    /// The x-request-id the request entered with (its entry fragment's), for the UI's request view.
    public var requestID: String?
    /// Every x-request-id of its fragments, sorted (a hop that lost it adds one).
    public var requestIDs: [String]
    /// The fragments certainly of this request, entry first, then by start.
    public var traceIDs: [String]
    /// Those fragments, then the `possible` ones.
    public var fragments: [Fragment]
    /// Where the request broke, in start order of the callee's fragment.
    public var breaks: [Break]
    /// Some break could belong to this request or to another running at the same time.
    public var ambiguous: Bool
    /// One sentence for the reader.
    public var summary: String

    public init(
        complete: Bool, requestID: String?, requestIDs: [String], traceIDs: [String], fragments: [Fragment],
        breaks: [Break], ambiguous: Bool, summary: String
    ) {
        self.complete = complete
        self.requestID = requestID
        self.requestIDs = requestIDs
        self.traceIDs = traceIDs
        self.fragments = fragments
        self.breaks = breaks
        self.ambiguous = ambiguous
        self.summary = summary
    }
}
