/// The verdict on one assertion, with what a student needs to find the problem: per failure
/// the trace, the hop, what was expected and what was seen.
public struct AssertionResult: Hashable, Sendable, Codable {
    public struct Failure: Hashable, Sendable, Codable {
        public var traceID: String?
        public var hop: String?
        public var expected: String
        public var seen: String
        public init(traceID: String? = nil, hop: String? = nil, expected: String, seen: String) {
            self.traceID = traceID
            self.hop = hop
            self.expected = expected
            self.seen = seen
        }
    }

    /// `expect.broken_links`.
    public var field: String
    public var passed: Bool
    /// One line: what the scenario asked for.
    public var expected: String
    /// One line: what the run showed.
    public var seen: String
    /// The first failures (at most `AssertionResult.failureLimit`).
    public var failures: [Failure]
    /// All failures, when more than those kept.
    public var failureCount: Int

    public static let failureLimit = 5

    public init(field: String, passed: Bool, expected: String, seen: String, failures: [Failure] = []) {
        self.field = field
        self.passed = passed
        self.expected = expected
        self.seen = seen
        self.failures = Array(failures.prefix(Self.failureLimit))
        self.failureCount = failures.count
    }

    /// The trace a report draws as the example of this failure.
    public var exampleTraceID: String? { failures.lazy.compactMap(\.traceID).first }
}
