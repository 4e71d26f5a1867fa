import ScenarioModel

/// The result of running one scenario: what every report format renders.
public struct ScenarioOutcome: Codable, Sendable, Hashable {
    public struct TrafficSummary: Codable, Sendable, Hashable {
        public var sent: Int
        public var errors: Int
        public var p50Micros: UInt64?
        public var p99Micros: UInt64?
    }

    public struct WaitSummary: Codable, Sendable, Hashable {
        public var polls: Int
        public var waitedMillis: Int
        public var timedOut: Bool
        public var missing: [MissingSpans]
    }

    /// One trace drawn in the report, with why it was picked.
    public struct DrawnTrace: Codable, Sendable, Hashable {
        public var traceID: String
        public var why: String
        public var waterfall: String
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

    public init(name: String, file: String, lab: String, lesson: Lesson, passed: Bool, error: String? = nil,
                results: [AssertionResult] = [], traffic: TrafficSummary? = nil, wait: WaitSummary? = nil, traceCount: Int = 0,
                failingTrace: DrawnTrace? = nil, goodTrace: DrawnTrace? = nil, brokenTrace: DrawnTrace? = nil, durationMillis: Int = 0) {
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
    }
}
