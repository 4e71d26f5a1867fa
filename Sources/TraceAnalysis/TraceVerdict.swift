/// The judgement of one trace, as docs/ARCHITECTURE.md "What complete and broken mean"
/// defines it, plus what a reader needs to see where the time went.
///
/// This is the JSON of `GET /api/tracelab/traces/{traceId}/verdict`; field names are a
/// contract with the UI and the scenario runner. Times are microseconds; span ids lower hex.
public struct TraceVerdict: Codable, Hashable, Sendable {
    public var traceID: String
    /// No finding of severity `error`.
    public var complete: Bool
    /// Spans analysed, after dropping exact duplicates (a batch sent twice).
    public var spanCount: Int
    /// Sorted by severity, then by where in the trace they happened.
    public var findings: [TraceFinding]
    /// Spans without a parent (one in a complete trace).
    public var rootSpanIDs: [String]
    /// Local service names seen, sorted.
    public var services: [String]
    /// Distinct `guid:x-request-id` values, sorted (one in a complete trace).
    public var requestIDs: [String]
    /// Earliest (skew-adjusted) start, epoch µs.
    public var startTimestamp: UInt64?
    /// From the earliest start to the latest end (skew-adjusted).
    public var durationMicroseconds: UInt64
    /// Every call seen, in start order.
    public var hops: [TraceHop]
    public var criticalPath: CriticalPath
    /// Time each service (by `node_id` when present) spent itself, not waiting on children.
    public var selfTime: [ServiceSelfTime]
    /// Clock offsets estimated per service, as Zipkin's CorrectForClockSkew does.
    public var clockSkew: [ClockSkewEstimate]
    /// The spans whose times were moved by the skew correction.
    public var adjustedSpans: [SpanTimeAdjustment]
    /// The whole request this trace is part of, when it was judged with other traces
    /// (`TraceAnalyzer.analyze(traces:)`, the verdict endpoint): every fragment, every break.
    /// `complete` is false when the request broke anywhere. Nil for a trace judged alone.
    public var request: RequestVerdict?

    public init(
        traceID: String, complete: Bool, spanCount: Int, findings: [TraceFinding],
        rootSpanIDs: [String] = [], services: [String] = [], requestIDs: [String] = [],
        startTimestamp: UInt64? = nil, durationMicroseconds: UInt64 = 0, hops: [TraceHop] = [],
        criticalPath: CriticalPath = CriticalPath(), selfTime: [ServiceSelfTime] = [],
        clockSkew: [ClockSkewEstimate] = [], adjustedSpans: [SpanTimeAdjustment] = [], request: RequestVerdict? = nil
    ) {
        self.traceID = traceID
        self.complete = complete
        self.spanCount = spanCount
        self.findings = findings
        self.rootSpanIDs = rootSpanIDs
        self.services = services
        self.requestIDs = requestIDs
        self.startTimestamp = startTimestamp
        self.durationMicroseconds = durationMicroseconds
        self.hops = hops
        self.criticalPath = criticalPath
        self.selfTime = selfTime
        self.clockSkew = clockSkew
        self.adjustedSpans = adjustedSpans
        self.request = request
    }

    /// The findings that are broken links (what a lesson asks students to find).
    public var brokenLinks: [TraceFinding] { findings.filter(\.brokenLink) }

    /// The findings of one kind.
    public func findings(_ kind: TraceFinding.Kind) -> [TraceFinding] { findings.filter { $0.kind == kind } }
}

/// One call between services seen in a trace: a CLIENT span and the SERVER span that
/// answered it (either may be missing).
public struct TraceHop: Codable, Hashable, Sendable {
    /// `node_id` of the caller's span, or its service.
    public var caller: String
    public var callerService: String
    public var callerNode: String?
    /// The callee's service: the SERVER span's, else the CLIENT's remote service, else its
    /// `upstream_cluster` tag, else `?`.
    public var callee: String
    public var calleeNode: String?
    public var clientSpanID: String?
    public var serverSpanID: String?
    /// The SERVER reused the CLIENT's span id (B3, as Envoy does).
    public var shared: Bool
    /// `http.status_code` of the CLIENT span (else the SERVER's).
    public var statusCode: String?
    public var error: Bool
    /// Start of the call (CLIENT, else SERVER), epoch µs, skew-adjusted.
    public var timestamp: UInt64?
    public var durationMicroseconds: UInt64?

    public init(
        caller: String, callerService: String, callerNode: String? = nil, callee: String, calleeNode: String? = nil,
        clientSpanID: String? = nil, serverSpanID: String? = nil, shared: Bool = false,
        statusCode: String? = nil, error: Bool = false, timestamp: UInt64? = nil, durationMicroseconds: UInt64? = nil
    ) {
        self.caller = caller
        self.callerService = callerService
        self.callerNode = callerNode
        self.callee = callee
        self.calleeNode = calleeNode
        self.clientSpanID = clientSpanID
        self.serverSpanID = serverSpanID
        self.shared = shared
        self.statusCode = statusCode
        self.error = error
        self.timestamp = timestamp
        self.durationMicroseconds = durationMicroseconds
    }

    /// `caller -> callee`, as findings and scenario files write hops.
    public var label: String { "\(caller) -> \(callee)" }
}

/// The chain of work that decided the trace's end-to-end latency (Jaeger's critical path):
/// shortening anything else would not make the request faster.
public struct CriticalPath: Codable, Hashable, Sendable {
    /// One stretch of time spent in one span, not waiting on a child.
    public struct Segment: Codable, Hashable, Sendable {
        public var spanID: String
        public var kind: String
        /// `node_id` or service of the span.
        public var service: String
        public var name: String?
        /// Epoch µs, skew-adjusted.
        public var start: UInt64
        public var end: UInt64

        public init(spanID: String, kind: String, service: String, name: String?, start: UInt64, end: UInt64) {
            self.spanID = spanID
            self.kind = kind
            self.service = service
            self.name = name
            self.start = start
            self.end = end
        }

        public var durationMicroseconds: UInt64 { end - start }
    }

    /// Span ids on the path, each once (a shared CLIENT/SERVER pair is one id), from the root down.
    public var spanIDs: [String]
    /// Sum of the segments (the root's duration when every child lies within its parent).
    public var durationMicroseconds: UInt64
    /// In time order.
    public var segments: [Segment]

    public init(spanIDs: [String] = [], durationMicroseconds: UInt64 = 0, segments: [Segment] = []) {
        self.spanIDs = spanIDs
        self.durationMicroseconds = durationMicroseconds
        self.segments = segments
    }
}

/// Time a service spent in its own spans minus the time covered by their children.
public struct ServiceSelfTime: Codable, Hashable, Sendable {
    /// `node_id` or service.
    public var service: String
    public var selfMicroseconds: UInt64
    public var spanCount: Int

    public init(service: String, selfMicroseconds: UInt64, spanCount: Int) {
        self.service = service
        self.selfMicroseconds = selfMicroseconds
        self.spanCount = spanCount
    }
}

/// The estimated clock offset of one service relative to its caller.
public struct ClockSkewEstimate: Codable, Hashable, Sendable {
    /// `node_id` or service whose clock is off.
    public var service: String
    /// Added to that service's timestamps to line them up (negative: its clock runs ahead).
    public var offsetMicroseconds: Int64
    /// Where it was measured.
    public var hop: String
    /// How many spans were moved.
    public var adjustedSpanCount: Int

    public init(service: String, offsetMicroseconds: Int64, hop: String, adjustedSpanCount: Int) {
        self.service = service
        self.offsetMicroseconds = offsetMicroseconds
        self.hop = hop
        self.adjustedSpanCount = adjustedSpanCount
    }
}

/// A span's start before and after the skew correction.
public struct SpanTimeAdjustment: Codable, Hashable, Sendable {
    public var spanID: String
    public var kind: String
    public var service: String
    public var timestamp: UInt64
    public var adjustedTimestamp: UInt64

    public init(spanID: String, kind: String, service: String, timestamp: UInt64, adjustedTimestamp: UInt64) {
        self.spanID = spanID
        self.kind = kind
        self.service = service
        self.timestamp = timestamp
        self.adjustedTimestamp = adjustedTimestamp
    }
}
