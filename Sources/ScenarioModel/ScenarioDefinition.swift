import LabModel

/// One scenario file (scenarios/*.yaml): which lab, what to change, what traffic to send and
/// what the traces must show. The schema is documented field by field in scenarios/README.md.
public struct ScenarioDefinition: Hashable, Sendable {
    /// Short identifier (`03-reviews-forgets-b3`), used in reports and JUnit test names.
    public var name: String
    public var lesson: Lesson
    public var lab: LabName
    public var setup: ScenarioSetup
    public var traffic: TrafficPlan
    public var expect: [ScenarioAssertion]
    /// The file it was loaded from (for reports).
    public var file: String

    public init(name: String, lesson: Lesson = Lesson(title: ""), lab: LabName, setup: ScenarioSetup = ScenarioSetup(),
                traffic: TrafficPlan, expect: [ScenarioAssertion], file: String = "") {
        self.name = name
        self.lesson = lesson
        self.lab = lab
        self.setup = setup
        self.traffic = traffic
        self.expect = expect
        self.file = file
    }
}

/// The workshop text of a scenario: the question it answers and what to do with it.
public struct Lesson: Hashable, Sendable, Codable {
    /// One line: the question the lesson answers.
    public var title: String
    /// What the lesson shows.
    public var shows: String?
    /// What to look at in the UI.
    public var lookAt: String?
    /// What to try next.
    public var tryNext: String?

    public init(title: String, shows: String? = nil, lookAt: String? = nil, tryNext: String? = nil) {
        self.title = title
        self.shows = shows
        self.lookAt = lookAt
        self.tryNext = tryNext
    }
}

/// What the runner changes in the lab before the traffic, through the admin APIs, and
/// restores after.
public struct ScenarioSetup: Hashable, Sendable {
    /// Weights per version of a destination service: `reviews: {v1: 0, v2: 100, v3: 0}`.
    public var routes: [ServiceName: [String: Int]]
    /// Faults on calls to a destination service.
    public var faults: [ServiceName: FaultSpec]
    /// Route timeout of calls to a destination service.
    public var timeouts: [ServiceName: Duration]
    /// Retries of calls to a destination service.
    public var retries: [ServiceName: Int]
    /// A planted propagation bug per service instance (`reviews-v2: drop-b3`).
    public var propagation: [ServiceInstance: PropagationMode]
    /// A host clock set off per service instance (`ratings: 500ms` runs 500 ms ahead): its
    /// sidecar's and its app's span timestamps move by it.
    public var clockOffsets: [ServiceInstance: Duration]
    /// Head sampling rate set on every sidecar of the lab (0…1).
    public var sampling: Double?
    /// Stop the collector while the traffic runs (spans dropped and counted by the sidecars).
    public var collectorDown: Bool
    /// Lab option: the sidecars' `--propagation` list (`b3multi,b3single` for a B3-only mesh
    /// like Istio's Envoy). No admin API changes it, so the lab must have been started with it;
    /// `tracelab run` starts such a lab itself when none is running. Nil: the proxy default.
    public var sidecarPropagation: String?
    /// Lab option: apps report their own spans (`tracelab up --app-spans`).
    public var appSpans: Bool
    /// The user's own apps in place of lab instances for this lesson (`replace: {reviews-v2:
    /// "cmd:python3 app.py"}`, or `tracelab run --replace`): each instance's sidecar forwards
    /// to it while the lesson runs.
    public var replacements: [ServiceInstance: AppReplacement.Source] = [:]
    /// Where a replacement's command runs: the scenario file's directory for the file's own
    /// `replace:`; the current directory when absent (`tracelab run --replace`).
    public var replacementDirectories: [ServiceInstance: String] = [:]

    public init(routes: [ServiceName: [String: Int]] = [:], faults: [ServiceName: FaultSpec] = [:],
                timeouts: [ServiceName: Duration] = [:], retries: [ServiceName: Int] = [:],
                propagation: [ServiceInstance: PropagationMode] = [:], clockOffsets: [ServiceInstance: Duration] = [:],
                sampling: Double? = nil, collectorDown: Bool = false,
                sidecarPropagation: String? = nil, appSpans: Bool = false) {
        self.routes = routes
        self.faults = faults
        self.timeouts = timeouts
        self.retries = retries
        self.propagation = propagation
        self.clockOffsets = clockOffsets
        self.sampling = sampling
        self.collectorDown = collectorDown
        self.sidecarPropagation = sidecarPropagation
        self.appSpans = appSpans
    }

    public var isEmpty: Bool {
        routes.isEmpty && faults.isEmpty && timeouts.isEmpty && retries.isEmpty && propagation.isEmpty && clockOffsets.isEmpty
            && sampling == nil && !collectorDown
    }

    /// The weight of each version of `service` the scenario routes to (the lab's default
    /// equal split when the scenario leaves the route alone).
    public func weights(for service: ServiceName) -> [(version: String, weight: Int)] {
        if let route = routes[service] {
            return service.versions.map { (version: $0, weight: route[$0] ?? 0) }
        }
        return LabTopology.defaultWeights(for: service)
    }
}

/// Istio-style fault injection on the calls to one service.
public struct FaultSpec: Hashable, Sendable {
    public struct Delay: Hashable, Sendable {
        public var duration: Duration
        /// 0…100.
        public var percent: Double
        public init(duration: Duration, percent: Double = 100) {
            self.duration = duration
            self.percent = percent
        }
    }

    public struct Abort: Hashable, Sendable {
        public var status: Int
        /// 0…100.
        public var percent: Double
        public init(status: Int, percent: Double = 100) {
            self.status = status
            self.percent = percent
        }
    }

    public var delay: Delay?
    public var abort: Abort?

    public init(delay: Delay? = nil, abort: Abort? = nil) {
        self.delay = delay
        self.abort = abort
    }
}
