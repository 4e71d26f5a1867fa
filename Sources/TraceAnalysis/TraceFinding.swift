/// One thing the analysis found wrong (or worth knowing) about a trace.
///
/// Findings are written for two readers: `cause` is a sentence a workshop student
/// understands, `code` is what scenario files assert on (`cause: missing-b3`). `hop` names
/// where it happened as `caller -> callee`, the caller by its `node_id` tag when it has one
/// (`"reviews-v2 -> ratings"`), the callee by service name.
public struct TraceFinding: Codable, Hashable, Sendable {
    /// What kind of defect or event this is.
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        /// No spans at all.
        case empty
        /// A span whose `parentId` names a span that is not in the trace.
        case orphan
        /// More than one span without a parent.
        case multipleRoots = "multiple-roots"
        /// Parent links that loop, so part of the trace hangs from nothing.
        case cycle
        /// A CLIENT span with no SERVER span of the callee below it: the request left but the
        /// next hop did not continue the trace (or its span was lost).
        case unansweredClient = "unanswered-client"
        /// A SERVER span whose caller reported no CLIENT span for the call.
        case callerMissing = "caller-missing"
        /// The trace starts at a sidecar's outbound call: its first part is in another trace.
        case fragment
        /// The CLIENT and SERVER sides of one hop landed in different traces.
        case splitHop = "split-hop"
        /// Two spans of the same kind with the same id.
        case duplicateSpanID = "duplicate-span-id"
        /// Spans below a hop carry a different `guid:x-request-id` than above it.
        case requestIDMismatch = "request-id-mismatch"
        /// Spans below a hop disagree with those above on the (debug) sampling decision.
        case samplingMismatch = "sampling-mismatch"
        /// A hop the caller expected (`TraceAnalysisOptions.expectedHops`) is absent.
        case missingHop = "missing-hop"
        /// The trace holds another number of spans than expected.
        case spanCountMismatch = "span-count-mismatch"
        /// Spans of a different trace id were handed in with this trace.
        case mixedTraceIDs = "mixed-trace-ids"
        /// A child lies outside its parent's time beyond the tolerance: a clock is off.
        case clockSkew = "clock-skew"
        /// A call failed before the callee answered (fault abort, connection refused…).
        case upstreamFailure = "upstream-failure"
    }

    /// How much a finding counts against the trace.
    public enum Severity: String, Codable, Hashable, Sendable, Comparable {
        /// Makes the trace incomplete.
        case error
        /// Worth showing (clock skew), the trace stays complete.
        case warning
        /// Context for the reader (a failed call that never reached its callee).
        case info

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .info: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// The machine-readable likely cause. How each is inferred from spans alone is described
    /// in `TraceAnalyzer` and `TraceSetAnalyzer`.
    public enum Cause: String, Codable, Hashable, Sendable, CaseIterable {
        /// The caller dropped the B3 headers but kept `x-request-id` (the callee's spans are in a
        /// new trace with the same request id).
        case missingB3 = "missing-b3"
        /// The caller forwarded no trace headers and no `x-request-id` (drop-all): the new trace
        /// has a new request id too.
        case missingHeaders = "missing-trace-headers"
        /// No trace context reached the caller's sidecar; with only this trace it cannot be told
        /// whether `x-request-id` was kept.
        case missingContext = "missing-context"
        /// The context was sent in a format the next sidecar does not read (only traceparent
        /// to a B3-only sidecar).
        case formatMismatch = "format-mismatch"
        /// A sidecar span below the hop has no `guid:x-request-id` at all (a tracer that does not
        /// fill in a missing id).
        case missingRequestID = "missing-request-id"
        /// The `x-request-id` changed at the hop: the app sent a new one, or sent none and its
        /// sidecar made one up (TraceLab's and Envoy's sidecars do), which spans cannot tell apart.
        case newRequestID = "new-request-id"
        /// The caller dropped `x-b3-sampled` / `x-b3-flags`: the next hop decided sampling again.
        case missingSampled = "missing-sampled"
        /// The sampling decision changed in another way (debug turned on below a hop).
        case samplingMismatch = "sampling-mismatch"
        /// A span that should exist was never reported (dropped, not flushed, not sampled).
        case missingSpan = "missing-span"
        /// A span names a parent that is not in the trace.
        case orphan
        /// A client reused trace and span ids (replayed fixed headers), so requests collided.
        case reusedContext = "reused-context"
        /// The app called the next service directly, not through its sidecar.
        case bypassedSidecar = "bypassed-sidecar"
        /// A tracer reported two different spans with one id.
        case duplicateSpanID = "duplicate-span-id"
        /// More than one span without a parent.
        case multipleRoots = "multiple-roots"
        /// Parent links form a loop.
        case cycle
        /// A clock differs from the caller's.
        case clockSkew = "clock-skew"
        /// The call failed before the callee answered; no SERVER span is expected.
        case upstreamFailed = "upstream-failed"
        /// An expected hop did not happen in the trace.
        case missingHop = "missing-hop"
        /// The span count differs from the expected one.
        case spanCount = "span-count"
        /// Spans of different trace ids were analysed together.
        case mixedTraceIDs = "mixed-trace-ids"
        /// Nothing to analyse.
        case noSpans = "no-spans"
    }

    public var kind: Kind
    public var severity: Severity
    /// `caller -> callee`, or nil when the finding is about the whole trace.
    public var hop: String?
    /// The likely cause in words a student understands.
    public var cause: String
    /// The likely cause as a code scenario files assert on.
    public var code: Cause
    /// Lower-hex ids of the spans involved.
    public var spanIDs: [String]
    /// Whether this is a broken link in docs/ARCHITECTURE.md's sense (missing parent, second
    /// root, a hop split across traces, a call whose next hop never continued the trace).
    public var brokenLink: Bool
    /// Other traces this finding points to (the other half of a split hop; every candidate
    /// when `ambiguous`).
    public var relatedTraceIDs: [String]
    /// The other half could only be matched by time, and several requests were running then:
    /// the break is certain, which request it belongs to is not (see `FragmentTimeMatcher`).
    public var ambiguous: Bool

    public init(
        kind: Kind, severity: Severity, hop: String? = nil, cause: String, code: Cause,
        spanIDs: [String] = [], brokenLink: Bool = false, relatedTraceIDs: [String] = [], ambiguous: Bool = false
    ) {
        self.kind = kind
        self.severity = severity
        self.hop = hop
        self.cause = cause
        self.code = code
        self.spanIDs = spanIDs
        self.brokenLink = brokenLink
        self.relatedTraceIDs = relatedTraceIDs
        self.ambiguous = ambiguous
    }
}
