#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// How `setup.collector: down` takes a lab's collector away for a scenario's traffic and
/// brings it back: the sidecars' reports then time out, as when a real collector hangs.
public enum CollectorControl: Sendable, Hashable {
    /// A local lab's collector process: SIGSTOP, then SIGCONT.
    case signal(pid: Int32)
    /// A compose lab's collector container: `docker-compose -f FILE pause SERVICE`, then
    /// `unpause` (`docker compose` when only the plugin is installed).
    case compose(file: String, service: String)

    func pause() throws(ScenarioRunError) {
        switch self {
        case .signal(let pid):
            guard kill(pid, SIGSTOP) == 0 else {
                throw ScenarioRunError(.lab("cannot stop the collector (PID \(pid)): \(String(cString: strerror(errno))); is the lab still running?"))
            }
        case .compose(let file, let service):
            try Self.compose(["-f", file, "pause", service])
        }
    }

    func resume() throws(ScenarioRunError) {
        switch self {
        case .signal(let pid):
            guard kill(pid, SIGCONT) == 0 else {
                throw ScenarioRunError(.lab("cannot continue the collector (PID \(pid)): \(String(cString: strerror(errno)))"))
            }
        case .compose(let file, let service):
            try Self.compose(["-f", file, "unpause", service])
        }
    }

    /// Runs docker-compose (v1) or `docker compose` (v2) and fails with its output.
    static func compose(_ arguments: [String]) throws(ScenarioRunError) {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let find = { (name: String) in
            path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        let command: [String]
        if let v1 = find("docker-compose") {
            command = [v1] + arguments
        } else if let docker = find("docker") {
            command = [docker, "compose"] + arguments
        } else {
            throw ScenarioRunError(.lab("setup.collector: down on a compose lab needs docker-compose or docker on PATH"))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ScenarioRunError(.lab("cannot run \(command.joined(separator: " ")): \(error.localizedDescription)"))
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ScenarioRunError(.lab("\(command.joined(separator: " ")) exited \(process.terminationStatus): \(text.trimmingCharacters(in: .whitespacesAndNewlines))"))
        }
    }
}
