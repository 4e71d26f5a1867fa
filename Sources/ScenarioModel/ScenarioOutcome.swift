/// The result of running one scenario: what every report format renders, and what the
/// collector's course page reads back from `.tracelab/runs/last.json` (pure data, so the
/// collector decodes the very type `tracelab run` encodes).
public struct ScenarioOutcome: Codable, Sendable, Hashable {
    public struct TrafficSummary: Codable, Sendable, Hashable {
        public var sent: Int
        public var errors: Int
        public var p50Micros: UInt64?
        public var p99Micros: UInt64?

        public init(sent: Int, errors: Int, p50Micros: UInt64?, p99Micros: UInt64?) {
            self.sent = sent
            self.errors = errors
            self.p50Micros = p50Micros
            self.p99Micros = p99Micros
        }
    }

    public struct WaitSummary: Codable, Sendable, Hashable {
        public var polls: Int
        public var waitedMillis: Int
        public var timedOut: Bool
        public var missing: [MissingSpans]

        public init(polls: Int, waitedMillis: Int, timedOut: Bool, missing: [MissingSpans]) {
            self.polls = polls
            self.waitedMillis = waitedMillis
            self.timedOut = timedOut
            self.missing = missing
        }
    }

    /// One trace drawn in the report, with why it was picked.
    public struct DrawnTrace: Codable, Sendable, Hashable {
        public var traceID: String
        public var why: String
        public var waterfall: String

        public init(traceID: String, why: String, waterfall: String) {
            self.traceID = traceID
            self.why = why
            self.waterfall = waterfall
        }
    }

    /// A trace the verifier judged: what the course page lists and links.
    public struct JudgedTrace: Codable, Sendable, Hashable {
        public var traceID: String
        public var complete: Bool
        /// Its broken links as `hop: code` (`reviews-v2 -> ratings: missing-b3`).
        public var breaks: [String]

        public init(traceID: String, complete: Bool, breaks: [String] = []) {
            self.traceID = traceID
            self.complete = complete
            self.breaks = breaks
        }

        public init(_ judgement: TraceJudgement) {
            self.init(traceID: judgement.traceID, complete: judgement.complete, breaks: judgement.brokenLinkLabels)
        }
    }

    public var name: String
    public var file: String
    public var lab: String
    public var lesson: Lesson
    public var passed: Bool
    /// Set when the run itself failed (lab, admin API, backend): exit code 2.
    public var error: String?
    public var results: [AssertionResult]
    public var traffic: TrafficSummary?
    public var wait: WaitSummary?
    public var traceCount: Int
    /// An offending trace of the first failed assertion.
    public var failingTrace: DrawnTrace?
    /// A complete trace (for the demo's "good" example).
    public var goodTrace: DrawnTrace?
    /// A broken trace, when the run has one (lessons that break on purpose).
    public var brokenTrace: DrawnTrace?
    public var durationMillis: Int
    /// When the scenario finished, ISO 8601 UTC (`2026-12-03T11:20:00Z`); nil in reports of
    /// older versions.
    public var finishedAt: String?
    /// Every trace the verifier judged, entry traces first; nil in reports of older versions.
    public var traces: [JudgedTrace]?
    /// The run's `--seed`: the same seed sends the same request ids and trace contexts.
    public var seed: UInt64?

    public init(name: String, file: String, lab: String, lesson: Lesson, passed: Bool, error: String? = nil,
                results: [AssertionResult] = [], traffic: TrafficSummary? = nil, wait: WaitSummary? = nil, traceCount: Int = 0,
                failingTrace: DrawnTrace? = nil, goodTrace: DrawnTrace? = nil, brokenTrace: DrawnTrace? = nil, durationMillis: Int = 0,
                finishedAt: String? = nil, traces: [JudgedTrace]? = nil) {
        self.name = name
        self.file = file
        self.lab = lab
        self.lesson = lesson
        self.passed = passed
        self.error = error
        self.results = results
        self.traffic = traffic
        self.wait = wait
        self.traceCount = traceCount
        self.failingTrace = failingTrace
        self.goodTrace = goodTrace
        self.brokenTrace = brokenTrace
        self.durationMillis = durationMillis
        self.finishedAt = finishedAt
        self.traces = traces
    }
}
