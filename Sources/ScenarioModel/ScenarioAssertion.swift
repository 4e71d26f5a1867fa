import LabModel

/// One check of a scenario's `expect:` block. Each case is documented with an example in
/// scenarios/README.md; `AssertionEvaluator` judges it over the recorded requests and traces.
public enum ScenarioAssertion: Hashable, Sendable {
    /// `traces: 50`: the number of traces started by the driven requests (traces holding an
    /// entry-service SERVER span).
    case traces(CountRange)
    /// `complete: true`: every recorded trace is complete; `false`: none is.
    case complete(Bool)
    /// `broken_links: {at: "reviews-v2 -> ratings", cause: missing-b3}`.
    case brokenLinks([BrokenLinkExpectation], exclusive: Bool)
    /// `shape: productpage -> reviews -> ratings` (a service path every matching trace contains).
    case shape(ShapeExpectation)
    /// `span_counts: {productpage: 3}`: spans per trace per service (or node id).
    case spanCounts([String: CountRange])
    /// `tags: [{service: ratings, kind: server, tag: http.status_code, equals: "200"}]`.
    case tags([TagExpectation])
    /// `status: 200` or `status: [200, 503]`: every response has one of these codes.
    case statusCodes([Int])
    /// `error_rate: {max: 0.01}`: fraction of requests answered 5xx or failing.
    case errorRate(min: Double, max: Double)
    /// `latency: {p50: "< 300ms", p99: "< 2s"}`: client-side latency percentiles.
    case latency([LatencyExpectation])
    /// `split: {service: reviews, weights: {v1: 20, v2: 30, v3: 50}}`.
    case split(SplitExpectation)
    /// `fault: {delay: {at: "reviews -> ratings", min: 2s}}`.
    case delay(DelayExpectation)
    /// `fault: {abort: {at: "reviews -> ratings", status: 503, fraction: 50%}}`.
    case abort(AbortExpectation)
    /// `sampling: {rate: 10%}` / `sampling: {debug: true}`.
    case sampling(SamplingExpectation)
    /// `propagation: {"productpage -> reviews": {joined: true, request_id: same, format: b3}}`.
    case propagation([HopPropagationExpectation])
    /// `sidecars: {spans_dropped: ">= 1"}`: counters of the sidecars' `/stats` over the run.
    case sidecars([SidecarCounterExpectation])
    /// `clock_skew: {service: ratings, at: "reviews -> ratings", offset: ">= 400ms", direction: ahead}`:
    /// the analysis finds that clock off (and moves its spans) in every trace it appears in;
    /// `clock_skew: none`: no trace shows skew.
    case clockSkew(ClockSkewExpectation?)

    /// The field as written in the file, for reports: `expect.broken_links`.
    public var field: String {
        switch self {
        case .traces: "expect.traces"
        case .complete: "expect.complete"
        case .brokenLinks: "expect.broken_links"
        case .shape: "expect.shape"
        case .spanCounts: "expect.span_counts"
        case .tags: "expect.tags"
        case .statusCodes: "expect.status"
        case .errorRate: "expect.error_rate"
        case .latency: "expect.latency"
        case .split: "expect.split"
        case .delay: "expect.fault.delay"
        case .abort: "expect.fault.abort"
        case .sampling: "expect.sampling"
        case .propagation: "expect.propagation"
        case .sidecars: "expect.sidecars"
        case .clockSkew: "expect.clock_skew"
        }
    }
}

/// An exact count or a range: `50`, `{min: 45, max: 50}`.
public struct CountRange: Hashable, Sendable, CustomStringConvertible {
    public var min: Int
    public var max: Int?
    public init(min: Int, max: Int?) {
        self.min = min
        self.max = max
    }
    public static func exactly(_ value: Int) -> CountRange { CountRange(min: value, max: value) }
    public func contains(_ value: Int) -> Bool { value >= min && (max.map { value <= $0 } ?? true) }
    public var description: String {
        if let max, max == min { return "\(min)" }
        if let max { return "\(min)…\(max)" }
        return "at least \(min)"
    }
}

/// `< 300ms`, `>= 2s`: a bound on a measured value (in microseconds).
public struct Comparison: Hashable, Sendable, CustomStringConvertible {
    public enum Operator: String, Hashable, Sendable, CaseIterable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }
    public var op: Operator
    public var value: Double

    public init(_ op: Operator, _ value: Double) {
        self.op = op
        self.value = value
    }

    public func holds(for measured: Double) -> Bool {
        switch op {
        case .less: measured < value
        case .lessOrEqual: measured <= value
        case .greater: measured > value
        case .greaterOrEqual: measured >= value
        }
    }

    public var description: String { "\(op.rawValue) \(formatNumber(value))" }

    /// Parses `< 300`, `>=2.5` with `unit` turning the text after the number into a value.
    static func parse(_ text: String, number: (String) -> Double?) -> Comparison? {
        let trimmed = text.trimmingSpaces()
        for op in [Operator.lessOrEqual, .greaterOrEqual, .less, .greater] where trimmed.hasPrefix(op.rawValue) {
            guard let value = number(String(trimmed.dropFirst(op.rawValue.count)).trimmingSpaces()) else { return nil }
            return Comparison(op, value)
        }
        return nil
    }
}

func formatNumber(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}

/// A caller → callee hop as reports and lessons write it: `reviews-v2 -> ratings`,
/// `productpage -> reviews`. The caller may name a version (node id) or the whole service.
public struct HopName: Hashable, Sendable, CustomStringConvertible {
    /// A service (`reviews`) or a node id (`reviews-v2`).
    public var caller: NodeName
    public var callee: NodeName

    public init(caller: NodeName, callee: NodeName) {
        self.caller = caller
        self.callee = callee
    }

    public var description: String { "\(caller) -> \(callee)" }

    /// Parses `a -> b` (also `a→b`); nil when either side names no service of the labs.
    public static func parse(_ text: String) -> HopName? {
        let parts = ShapeExpectation.splitArrows(text)
        guard parts.count == 2, let caller = NodeName(parts[0]), let callee = NodeName(parts[1]) else { return nil }
        return HopName(caller: caller, callee: callee)
    }
}

/// A service, or one version of it: how lessons name the ends of a hop.
public struct NodeName: Hashable, Sendable, CustomStringConvertible {
    public var service: ServiceName
    /// Nil when the name covers every version.
    public var version: String?

    public init(service: ServiceName, version: String? = nil) {
        self.service = service
        self.version = version
    }

    public init?(_ text: String) {
        let name = text.trimmingSpaces().lowercased()
        if let service = ServiceName(rawValue: name) {
            self.init(service: service)
        } else if let instance = ServiceInstance(nodeID: name) {
            self.init(service: instance.service, version: instance.version)
        } else {
            return nil
        }
    }

    public var description: String { version.map { "\(service.rawValue)-\($0)" } ?? service.rawValue }

    /// Whether a span of `service` tagged `node_id` belongs to this name.
    public func matches(service name: String?, nodeID: String?) -> Bool {
        guard name == service.rawValue else { return false }
        guard let version else { return true }
        return nodeID == "\(service.rawValue)-\(version)"
    }
}

public struct BrokenLinkExpectation: Hashable, Sendable {
    public var at: HopName
    /// A cause code (see `BreakCause`), or nil for any cause.
    public var cause: String?
    public init(at: HopName, cause: String? = nil) {
        self.at = at
        self.cause = cause
    }
}

public struct ShapeExpectation: Hashable, Sendable {
    public enum Scope: String, Hashable, Sendable, CaseIterable {
        /// Every recorded trace contains the path.
        case all
        /// At least one recorded trace contains it.
        case some
        /// No recorded trace contains it.
        case none
    }
    public var path: [NodeName]
    public var scope: Scope
    public init(path: [NodeName], scope: Scope = .all) {
        self.path = path
        self.scope = scope
    }

    static func splitArrows(_ text: String) -> [String] {
        text.replacing("→", with: "->").split(separator: "->", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
    }
}

public struct TagExpectation: Hashable, Sendable {
    public enum Check: Hashable, Sendable {
        case equals(String)
        case present
        case absent
    }
    public var node: NodeName?
    public var kind: String?
    public var tag: String
    public var check: Check
    public init(node: NodeName? = nil, kind: String? = nil, tag: String, check: Check) {
        self.node = node
        self.kind = kind
        self.tag = tag
        self.check = check
    }
}

public struct LatencyExpectation: Hashable, Sendable {
    /// 0…100; 100 is the maximum, 0 the minimum.
    public var percentile: Double
    /// Bound in microseconds.
    public var bound: Comparison
    public init(percentile: Double, bound: Comparison) {
        self.percentile = percentile
        self.bound = bound
    }
}

public struct SplitExpectation: Hashable, Sendable {
    public var service: ServiceName
    /// Version → weight; nil takes the scenario's route (or the default split).
    public var weights: [String: Int]?
    /// Largest accepted deviation of a version's share from its expected share.
    public var tolerance: Double
    public init(service: ServiceName, weights: [String: Int]? = nil, tolerance: Double = 0.1) {
        self.service = service
        self.weights = weights
        self.tolerance = tolerance
    }
}

public struct DelayExpectation: Hashable, Sendable {
    public var at: HopName
    /// The injected delay the CLIENT spans of the hop must show.
    public var minimum: Duration
    /// Expected fraction of delayed calls (nil: the scenario's fault percent).
    public var fraction: Double?
    public init(at: HopName, minimum: Duration, fraction: Double? = nil) {
        self.at = at
        self.minimum = minimum
        self.fraction = fraction
    }
}

public struct AbortExpectation: Hashable, Sendable {
    public var at: HopName
    public var status: Int
    /// Expected fraction of aborted calls (nil: the scenario's fault percent).
    public var fraction: Double?
    public init(at: HopName, status: Int, fraction: Double? = nil) {
        self.at = at
        self.status = status
        self.fraction = fraction
    }
}

public struct SamplingExpectation: Hashable, Sendable {
    /// Expected fraction of requests recorded (nil: not checked).
    public var rate: Double?
    /// Each request recorded with all its spans or not at all.
    public var allOrNothing: Bool
    /// Every request was recorded with `debug: true` spans.
    public var debug: Bool
    public init(rate: Double? = nil, allOrNothing: Bool = true, debug: Bool = false) {
        self.rate = rate
        self.allOrNothing = allOrNothing
        self.debug = debug
    }
}

public struct HopPropagationExpectation: Hashable, Sendable {
    public enum RequestIDCheck: String, Hashable, Sendable, CaseIterable { case same, different }
    public enum FormatCheck: String, Hashable, Sendable, CaseIterable {
        /// The callee's SERVER span shares the CLIENT span's id (B3, as Envoy does).
        case b3
        /// The callee's SERVER span is a child of the CLIENT span (W3C).
        case w3c
    }
    public var hop: HopName
    public var joined: Bool?
    public var requestID: RequestIDCheck?
    public var format: FormatCheck?
    public init(hop: HopName, joined: Bool? = nil, requestID: RequestIDCheck? = nil, format: FormatCheck? = nil) {
        self.hop = hop
        self.joined = joined
        self.requestID = requestID
        self.format = format
    }
}

public struct SidecarCounterExpectation: Hashable, Sendable {
    public enum Counter: String, Hashable, Sendable, CaseIterable {
        case spansReported = "spans_reported"
        case spansDropped = "spans_dropped"
        case failedBatches = "failed_batches"
        case faultsDelayed = "faults_delayed"
        case faultsAborted = "faults_aborted"
        case responses5xx = "responses_5xx"
    }
    public var counter: Counter
    public var bound: Comparison
    public init(counter: Counter, bound: Comparison) {
        self.counter = counter
        self.bound = bound
    }
}

public struct ClockSkewExpectation: Hashable, Sendable {
    public enum Direction: String, Hashable, Sendable, CaseIterable {
        /// The clock reads later than the others' (the analysis moves its spans back).
        case ahead
        /// It reads earlier (its spans are moved forward).
        case behind
    }
    /// The service or node id whose clock is off.
    public var service: NodeName
    /// The hop the analysis measures it on; nil: any.
    public var at: HopName?
    /// Bound on the estimated offset's size, in microseconds; nil: any size beyond tolerance.
    public var offset: Comparison?
    public var direction: Direction?
    public init(service: NodeName, at: HopName? = nil, offset: Comparison? = nil, direction: Direction? = nil) {
        self.service = service
        self.at = at
        self.offset = offset
        self.direction = direction
    }
}
