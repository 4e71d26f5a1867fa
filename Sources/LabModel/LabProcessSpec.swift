/// The kind of process `tracelab` runs itself as.
public enum LabRole: String, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case collector
    case proxy
    case service

    public var description: String { rawValue }
}

/// A port a process listens on, named for tables (`inbound`, `admin`, …).
public struct NamedPort: Hashable, Sendable, Codable {
    public var name: String
    public var port: Int

    public init(name: String, port: Int) {
        self.name = name
        self.port = port
    }
}

/// How to start one process of the lab and how to tell it is healthy.
public struct LabProcessSpec: Hashable, Sendable, Codable {
    /// Unique in a lab: `collector`, `reviews-v2`, `reviews-v2-proxy`; also the log file name.
    public var name: String
    public var role: LabRole
    public var instance: ServiceInstance?
    /// `tracelab`'s arguments after the binary, beginning with the role.
    public var arguments: [String]
    public var ports: [NamedPort]
    /// Answers 200 once the process serves (collector `/health`, proxy `/ready`, app `/health`).
    public var healthURL: String
    public var adminURL: String?

    public init(name: String, role: LabRole, instance: ServiceInstance?, arguments: [String], ports: [NamedPort], healthURL: String, adminURL: String?) {
        self.name = name
        self.role = role
        self.instance = instance
        self.arguments = arguments
        self.ports = ports
        self.healthURL = healthURL
        self.adminURL = adminURL
    }

    /// `.tracelab/logs/<name>.log`, relative to the lab's directory.
    public var logFile: String { "\(LabState.logsDirectory)/\(name).log" }
}
