/// What the traffic driver saw of one request: enough to find its spans and judge the
/// client-side assertions (status, error rate, latency).
public struct RecordedRequest: Hashable, Sendable, Codable {
    /// 0-based order of sending.
    public var index: Int
    /// The `x-request-id` sent (the driver always sends one unless the scenario sets its own).
    public var requestID: String?
    /// The trace id sent in an injected context, or read from the response headers.
    public var traceID: String?
    /// HTTP status; nil when the request failed before a response.
    public var status: Int?
    /// Why the request failed without a response (connection refused, timeout).
    public var failure: String?
    /// Client-side latency in microseconds.
    public var latencyMicros: UInt64
    /// Epoch microseconds when it was sent.
    public var startMicros: UInt64
    /// The request forced the debug flag.
    public var debug: Bool

    public init(index: Int, requestID: String? = nil, traceID: String? = nil, status: Int? = nil, failure: String? = nil,
                latencyMicros: UInt64 = 0, startMicros: UInt64 = 0, debug: Bool = false) {
        self.index = index
        self.requestID = requestID
        self.traceID = traceID
        self.status = status
        self.failure = failure
        self.latencyMicros = latencyMicros
        self.startMicros = startMicros
        self.debug = debug
    }

    /// 5xx or no response at all.
    public var isError: Bool { status.map { $0 >= 500 } ?? true }
}

/// The part of TraceAnalysis' verdict the assertions read, so ScenarioModel's evaluators are
/// testable with hand-made verdicts.
public struct TraceJudgement: Hashable, Sendable, Codable {
    public struct Finding: Hashable, Sendable, Codable {
        /// The analysis' finding kind (its raw value), e.g. `broken-link`.
        public var kind: String
        /// `reviews-v2 -> ratings`, when the finding is about a hop.
        public var hop: String?
        /// In words a student reads.
        public var cause: String
        /// The analysis' cause code (`missing-b3`), what scenarios assert on.
        public var code: String?
        public var spanIDs: [String]
        /// Whether the finding breaks a link (as opposed to a warning such as clock skew).
        public var brokenLink: Bool
        public init(kind: String, hop: String? = nil, cause: String, code: String? = nil, spanIDs: [String] = [], brokenLink: Bool = false) {
            self.kind = kind
            self.hop = hop
            self.cause = cause
            self.code = code
            self.spanIDs = spanIDs
            self.brokenLink = brokenLink
        }
    }

    /// A clock the analysis found off, and by how much (what `expect.clock_skew` reads).
    public struct ClockSkew: Hashable, Sendable, Codable {
        /// The service or node id whose clock is off.
        public var service: String
        /// Where it was measured: `reviews-v2 -> ratings`.
        public var hop: String
        /// Added to that clock's timestamps to line them up: negative when it runs ahead.
        public var offsetMicroseconds: Int64
        /// How many spans the analysis moved.
        public var adjustedSpanCount: Int
        public init(service: String, hop: String, offsetMicroseconds: Int64, adjustedSpanCount: Int) {
            self.service = service
            self.hop = hop
            self.offsetMicroseconds = offsetMicroseconds
            self.adjustedSpanCount = adjustedSpanCount
        }
    }

    public var traceID: String
    public var complete: Bool
    public var findings: [Finding]
    public var clockSkew: [ClockSkew]

    public init(traceID: String, complete: Bool, findings: [Finding] = [], clockSkew: [ClockSkew] = []) {
        self.traceID = traceID
        self.complete = complete
        self.findings = findings
        self.clockSkew = clockSkew
    }
}
