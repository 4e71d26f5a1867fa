import Foundation
import LabModel

/// How to run a lab: what to start (the pure `LabConfiguration`), which binary runs the roles,
/// and where state and logs go.
public struct LabRunnerConfiguration: Sendable {
    public var lab: LabConfiguration
    /// Absolute path of the `tracelab` binary; every process is this binary in a role.
    public var executable: String
    /// The directory that holds `.tracelab/` (the current directory for `tracelab up`).
    public var directory: String
    /// How long every process together may take to answer its health check.
    public var healthTimeout: Duration
    /// SIGTERM to SIGKILL when stopping.
    public var stopGrace: Duration
    /// Recorded in lab.json: `up --detach` returns and leaves the lab running.
    public var detached: Bool

    public init(
        lab: LabConfiguration, executable: String, directory: String,
        healthTimeout: Duration = .seconds(30), stopGrace: Duration = .seconds(5), detached: Bool = false
    ) {
        self.lab = lab
        self.executable = executable
        self.directory = directory
        self.healthTimeout = healthTimeout
        self.stopGrace = stopGrace
        self.detached = detached
    }

    /// `lab` moved onto free ports: a free block for the base ports, and the collector and
    /// entry ports right after it. For tests and for running beside another lab.
    public static func onFreePorts(_ lab: LabConfiguration) -> LabConfiguration? {
        let extra = 4
        guard let base = PortProbe.freeBlock(count: LabPlan.blockSize + extra, host: lab.host) else { return nil }
        var moved = lab
        moved.basePort = base
        moved.collectorPort = base + LabPlan.blockSize
        moved.bookinfoEntryPort = base + LabPlan.blockSize + 1
        moved.chainEntryPort = base + LabPlan.blockSize + 2
        if lab.otlpGRPCPort != nil { moved.otlpGRPCPort = base + LabPlan.blockSize + 3 }
        return moved
    }

    /// The binary this process runs from: /proc/self/exe, else argv[0] made absolute.
    public static func currentExecutable() throws(LabError) -> String {
        if let path = ProcFS.selfExecutable(), FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        guard let first = CommandLine.arguments.first, !first.isEmpty else {
            throw LabError(.executableNotFound("argv[0] is empty and /proc/self/exe is unreadable"))
        }
        var candidates: [String] = []
        if first.contains("/") {
            candidates.append(first.hasPrefix("/") ? first : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(first))
        } else {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
            candidates += path.split(separator: ":").map { ($0 as NSString).appendingPathComponent(first) }
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw LabError(.executableNotFound("'\(first)' is not an executable file here or on PATH"))
        }
        return (found as NSString).standardizingPath
    }
}

extension LabRunner {
    /// Starts `lab` on a free block of ports (see ``LabRunnerConfiguration/onFreePorts(_:)``),
    /// trying another block when one of its ports was taken between the probe and the start:
    /// a block is only known free when probed, and another process on the machine (another
    /// test run, a benchmark) can bind one of its ports meanwhile. Nil when no free block was
    /// found.
    public static func startOnFreePorts(
        _ lab: LabConfiguration, attempts: Int = 3, _ configuration: (LabConfiguration) -> LabRunnerConfiguration
    ) async throws(LabError) -> RunningLab? {
        for attempt in 1...max(1, attempts) {
            guard let placed = LabRunnerConfiguration.onFreePorts(lab) else { return nil }
            do {
                return try await start(configuration: configuration(placed))
            } catch {
                guard case .portInUse = error.reason, attempt < attempts else { throw error }
            }
        }
        return nil
    }
}
