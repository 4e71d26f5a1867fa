import Foundation
import LabModel

/// `tracelab status`: each process up or down with ports, PID and RSS, the lab's total RSS
/// and how long start-up took. Codable for `--json`.
public struct LabStatusReport: Codable, Hashable, Sendable {
    public struct ProcessStatus: Codable, Hashable, Sendable {
        public var name: String
        public var role: LabRole
        public var nodeID: String?
        public var pid: Int32
        public var up: Bool
        public var rssBytes: UInt64?
        /// Proportional set size: shared pages split among the processes that map them.
        public var pssBytes: UInt64?
        public var ports: [NamedPort]
        public var adminURL: String?
        public var logFile: String
    }

    public var lab: LabSelection
    public var detached: Bool
    public var startedAt: Double
    public var startupMilliseconds: Int
    public var collectorURL: String
    public var uiURL: String
    public var entries: [LabEntry]
    public var processes: [ProcessStatus]
    /// The instances whose app is the user's own (`--replace`), as the flag spelled them.
    public var replacements: [String]
    /// Sum of the RSS of the processes that are up.
    public var totalRSSBytes: UInt64
    /// Sum of the PSS of the processes that are up: what the lab takes from the machine.
    public var totalPSSBytes: UInt64
    public var allUp: Bool

    public init(state: LabState) {
        lab = state.lab
        detached = state.detached
        startedAt = state.startedAt
        startupMilliseconds = state.startupMilliseconds
        collectorURL = state.collectorURL
        uiURL = state.uiURL
        entries = state.entries
        processes = state.processes.map { process in
            let up = ProcessControl.isRunning(process.pid) && RunningLab.isSameProcess(process)
            return ProcessStatus(
                name: process.name, role: process.role, nodeID: process.nodeID, pid: process.pid, up: up,
                rssBytes: up ? ProcFS.residentBytes(pid: process.pid) : nil,
                pssBytes: up ? ProcFS.proportionalBytes(pid: process.pid) : nil,
                ports: process.ports, adminURL: process.adminURL, logFile: process.logFile
            )
        }
        replacements = (state.plan.configuration.replacements ?? [:]).values.sorted { $0.instance < $1.instance }.map { replacement in
            let app = state.plan.app(of: replacement.instance)?.listen.description ?? "?"
            return switch replacement.source {
            case .address: "\(replacement.instance.nodeID) → your app at \(app) (--replace \(replacement))"
            case .command(let command): "\(replacement.instance.nodeID) → your app `\(command)` on \(app) (--replace; log \(LabState.logsDirectory)/\(replacement.instance.nodeID).log)"
            }
        }
        totalRSSBytes = processes.reduce(0) { $0 + ($1.rssBytes ?? 0) }
        totalPSSBytes = processes.reduce(0) { $0 + ($1.pssBytes ?? 0) }
        allUp = processes.allSatisfy(\.up)
    }

    /// The table `up` and `status` print.
    public func table() -> String {
        var lines: [String] = []
        for entry in entries {
            lines.append("\(entry.lab) entry: \(entry.url)")
        }
        lines.append("UI and Zipkin API: \(uiURL)  (spans: \(collectorURL)/api/v2/spans)")
        let otlpGRPC = processes.first { $0.role == .collector }?.ports.first { $0.name == "otlp-grpc" }
        let host = URL(string: collectorURL)?.host ?? "127.0.0.1"
        lines.append("OTLP: \(collectorURL)/v1/traces (HTTP)" + (otlpGRPC.map { ", \(host):\($0.port) (gRPC)" } ?? ""))
        for replacement in replacements {
            lines.append("replaced: \(replacement)")
        }
        let header = ["PROCESS", "ROLE", "STATE", "PID", "RSS", "PORTS", "LOG"]
        var rows = [header]
        for process in processes {
            rows.append([
                process.name, process.role.rawValue, process.up ? "up" : "down", String(process.pid),
                process.rssBytes.map(LabStatusReport.megabytes) ?? "-",
                process.ports.map { "\($0.name) \($0.port)" }.joined(separator: ", "),
                process.logFile,
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  "))
        }
        let upCount = processes.filter(\.up).count
        lines.append("\(upCount)/\(processes.count) processes up · total RSS \(LabStatusReport.megabytes(totalRSSBytes)) (PSS \(LabStatusReport.megabytes(totalPSSBytes)), the binary's shared pages counted once) · healthy \(String(format: "%.2f", Double(startupMilliseconds) / 1000)) s after start")
        return lines.joined(separator: "\n")
    }

    static func megabytes(_ bytes: UInt64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}
