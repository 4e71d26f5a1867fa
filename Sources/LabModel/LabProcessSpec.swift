/// The kind of process `tracelab` runs itself as.
public enum LabRole: String, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case collector
    case proxy
    case service
    /// The user's own app standing in for a lab instance (`--replace 'INSTANCE=cmd:…'`):
    /// a shell command in its own process group, stopped as a group.
    case userApp = "user-app"

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
    /// `tracelab`'s arguments after the binary, beginning with the role; for a `user-app`,
    /// `/bin/sh`'s arguments (`-c COMMAND`).
    public var arguments: [String]
    /// Added to the inherited environment (a user app's `AppContract`); empty for lab roles.
    public var environment: [String: String]
    public var ports: [NamedPort]
    /// Answers 200 once the process serves (collector `/health`, proxy `/ready`, app `/health`);
    /// `tcp://HOST:PORT` for a user app, whose routes the lab does not know: healthy once it
    /// accepts connections.
    public var healthURL: String
    public var adminURL: String?

    public init(
        name: String, role: LabRole, instance: ServiceInstance?, arguments: [String], environment: [String: String] = [:],
        ports: [NamedPort], healthURL: String, adminURL: String?
    ) {
        self.name = name
        self.role = role
        self.instance = instance
        self.arguments = arguments
        self.environment = environment
        self.ports = ports
        self.healthURL = healthURL
        self.adminURL = adminURL
    }

    /// The program a process runs: the lab's own binary, or a shell for a user app.
    public var runsShell: Bool { role == .userApp }

    /// `.tracelab/logs/<name>.log`, relative to the lab's directory.
    public var logFile: String { "\(LabState.logsDirectory)/\(name).log" }
}
