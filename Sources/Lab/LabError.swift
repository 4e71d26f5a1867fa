#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LabModel

/// Why a lab could not start, stop or be read, with what to do about it.
public struct LabError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case invalidPlan(LabModelError)
        /// Something already listens on a port the plan needs.
        case portInUse(port: Int, owner: String)
        /// lab.json names processes that still run.
        case labAlreadyRunning(statePath: String, entries: [String], pids: [Int32])
        /// A process exited while the lab was starting.
        case processDied(name: String, exitDescription: String, logFile: String, logTail: [String])
        /// A process kept running but did not answer its health check in time.
        case notHealthy(name: String, url: String, seconds: Double, logFile: String, logTail: [String])
        case spawnFailed(name: String, executable: String, errno: Int32)
        case executableNotFound(String)
        case noLabRunning(statePath: String)
        case stateUnreadable(path: String, detail: String)
        case stateUnwritable(path: String, detail: String)
        /// Ctrl-C or SIGTERM arrived while the lab was starting.
        case interrupted
        /// `--replace INSTANCE=HOST:PORT` names an address where nothing listens.
        case replacementUnreachable(replacement: String, address: String)
    }

    public let reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .invalidPlan(let error):
            return error.description
        case .portInUse(let port, let owner):
            return "port \(port) (planned for \(owner)) is already in use; stop what listens there (ss -ltnp 'sport = :\(port)') or choose another --base-port"
        case .labAlreadyRunning(let path, let entries, let pids):
            return "a lab is already running (\(path), PIDs \(pids.map(String.init).joined(separator: " "))\(entries.isEmpty ? "" : ", at \(entries.joined(separator: " "))")); run `tracelab down` first"
        case .processDied(let name, let exit, let logFile, let tail):
            return "\(name) \(exit) during start-up; the lab was stopped. Last lines of \(logFile):\n" + Self.indent(tail)
        case .notHealthy(let name, let url, let seconds, let logFile, let tail):
            return "\(name) did not answer \(url) within \(String(format: "%.1f", seconds)) s; the lab was stopped. Last lines of \(logFile):\n" + Self.indent(tail)
        case .spawnFailed(let name, let executable, let code):
            return "could not start \(name) from \(executable): \(String(cString: strerror(code)))"
        case .executableNotFound(let detail):
            return "cannot find tracelab's own binary to start the lab's processes: \(detail)"
        case .noLabRunning(let path):
            return "no lab is running here (no \(path)); start one with `tracelab up`"
        case .stateUnreadable(let path, let detail):
            return "cannot read \(path): \(detail); if no lab runs, delete it"
        case .stateUnwritable(let path, let detail):
            return "cannot write \(path): \(detail)"
        case .interrupted:
            return "interrupted while starting; every process started so far was stopped"
        case .replacementUnreachable(let replacement, let address):
            return "nothing listens on \(address) (--replace \(replacement)); start your app there first, or let the lab start it with 'INSTANCE=cmd:COMMAND'"
        }
    }

    /// True when the user's own app (`--replace`) is what failed: a usage problem (exit 2),
    /// not a fault of the lab.
    public func concernsReplacement(_ configuration: LabConfiguration) -> Bool {
        let replaced = Set((configuration.replacements ?? [:]).keys)
        switch reason {
        case .replacementUnreachable: return true
        case .processDied(let name, _, _, _), .notHealthy(let name, _, _, _, _), .spawnFailed(let name, _, _): return replaced.contains(name)
        default: return false
        }
    }

    private static func indent(_ lines: [String]) -> String {
        lines.isEmpty ? "    (log is empty)" : lines.map { "    " + $0 }.joined(separator: "\n")
    }
}
