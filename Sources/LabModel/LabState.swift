/// What `tracelab up --detach` writes to `.tracelab/lab.json` and `down`/`status` and the
/// scenario runner read: every process with its PID, ports and log, plus the entry URLs.
public struct LabState: Hashable, Sendable, Codable {
    /// Relative to the directory `tracelab up` ran in.
    public static let directory = ".tracelab"
    public static let path = ".tracelab/lab.json"
    public static let logsDirectory = ".tracelab/logs"
    /// The last result of each lesson `tracelab run` ran on this lab (its `--report json`
    /// document), read by the collector's course page.
    public static let lastRunPath = ".tracelab/runs/last.json"

    /// Bumped when the shape changes incompatibly.
    public var formatVersion: Int
    public var lab: LabSelection
    /// The process that ran `up`: alive while a foreground lab runs; for `--detach` it has exited.
    public var supervisorPID: Int32
    public var detached: Bool
    /// Seconds since 1970 when `up` began.
    public var startedAt: Double
    /// From `up` starting to every process answering its health check.
    public var startupMilliseconds: Int
    public var collectorURL: String
    public var zipkinURL: String
    public var uiURL: String
    public var entries: [LabEntry]
    public var processes: [ProcessState]
    /// The plan the lab was started from (ports of every process, routes, modes).
    public var plan: LabPlan

    public init(
        formatVersion: Int = 1, lab: LabSelection, supervisorPID: Int32, detached: Bool, startedAt: Double,
        startupMilliseconds: Int, collectorURL: String, zipkinURL: String, uiURL: String,
        entries: [LabEntry], processes: [ProcessState], plan: LabPlan
    ) {
        self.formatVersion = formatVersion
        self.lab = lab
        self.supervisorPID = supervisorPID
        self.detached = detached
        self.startedAt = startedAt
        self.startupMilliseconds = startupMilliseconds
        self.collectorURL = collectorURL
        self.zipkinURL = zipkinURL
        self.uiURL = uiURL
        self.entries = entries
        self.processes = processes
        self.plan = plan
    }

    /// One running process.
    public struct ProcessState: Hashable, Sendable, Codable {
        public var name: String
        public var role: LabRole
        public var service: ServiceName?
        public var version: String?
        public var pid: Int32
        public var ports: [NamedPort]
        public var healthURL: String
        public var adminURL: String?
        /// Relative to the lab's directory, e.g. `.tracelab/logs/reviews-v2-proxy.log`.
        public var logFile: String
        public var arguments: [String]

        public init(spec: LabProcessSpec, pid: Int32) {
            self.name = spec.name
            self.role = spec.role
            self.service = spec.instance?.service
            self.version = spec.instance?.version
            self.pid = pid
            self.ports = spec.ports
            self.healthURL = spec.healthURL
            self.adminURL = spec.adminURL
            self.logFile = spec.logFile
            self.arguments = spec.arguments
        }

        /// `reviews-v2` for an app or sidecar, nil for the collector.
        public var nodeID: String? {
            guard let service, let version else { return nil }
            return ServiceInstance(service: service, version: version).nodeID
        }
    }

    /// The sidecar of a node (`reviews-v2`), whose admin URL changes routes, faults, sampling.
    public func sidecar(nodeID: String) -> ProcessState? {
        processes.first { $0.role == .proxy && $0.nodeID == nodeID }
    }

    /// The app of a node, whose admin URL (`/admin/propagation`) plants propagation bugs.
    public func app(nodeID: String) -> ProcessState? {
        processes.first { $0.role == .service && $0.nodeID == nodeID }
    }

    public func entryURL(of lab: LabName) -> String? {
        entries.first { $0.lab == lab }?.url
    }
}
