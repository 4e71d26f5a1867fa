import Foundation
import LabModel

/// A started lab: its state (ports, PIDs, entry URLs) and how to stop it.
public struct RunningLab: Sendable {
    public let state: LabState
    /// The directory holding `.tracelab/`.
    public let directory: String
    public let stopGrace: Duration

    public init(state: LabState, directory: String, stopGrace: Duration = .seconds(5)) {
        self.state = state
        self.directory = directory
        self.stopGrace = stopGrace
    }

    /// Loads the lab recorded in `directory`'s lab.json (`tracelab down`, `status`, `run`).
    public static func attach(directory: String, stopGrace: Duration = .seconds(5)) throws(LabError) -> RunningLab {
        guard let state = try LabStateStore.load(from: directory) else {
            throw LabError(.noLabRunning(statePath: LabStateStore.statePath(in: directory)))
        }
        return RunningLab(state: state, directory: directory, stopGrace: stopGrace)
    }

    /// What `stop` did.
    public struct StopReport: Sendable, Hashable {
        /// Stopped by SIGTERM.
        public var terminated: [String] = []
        /// Needed SIGKILL after the grace period.
        public var killed: [String] = []
        /// Already gone.
        public var alreadyGone: [String] = []
        /// The PID now belongs to another program (reused); left alone.
        public var skipped: [String] = []
    }

    /// Stops exactly the lab's PIDs: apps and sidecars first (SIGTERM, so sidecars flush their
    /// span queues while the collector still runs), then the collector; SIGKILL after the
    /// grace period. Removes lab.json.
    @discardableResult
    public func stop() async -> StopReport {
        var report = StopReport()
        var targets: [LabState.ProcessState] = []
        for process in state.processes {
            if !ProcessControl.isRunning(process.pid) {
                report.alreadyGone.append(process.name)
            } else if !RunningLab.isSameProcess(process) {
                report.skipped.append(process.name)
            } else {
                targets.append(process)
            }
        }
        let first = targets.filter { $0.role != .collector }
        let last = targets.filter { $0.role == .collector }
        for wave in [first, last] where !wave.isEmpty {
            let groups = Set(wave.filter { $0.role == .userApp }.map(\.pid))
            let killed = Set(await ProcessControl.terminate(wave.map(\.pid), groups: groups, grace: stopGrace))
            for process in wave {
                if killed.contains(process.pid) { report.killed.append(process.name) } else { report.terminated.append(process.name) }
            }
        }
        LabStateStore.remove(from: directory)
        return report
    }

    /// Each process's liveness and memory, read now.
    public func status() -> LabStatusReport {
        LabStatusReport(state: state)
    }

    public func entryURL(of lab: LabName) -> String? {
        state.entryURL(of: lab)
    }

    /// True unless /proc shows the PID running something other than what was recorded (a
    /// PID reused after the lab died must not be killed by `down`).
    static func isSameProcess(_ process: LabState.ProcessState) -> Bool {
        // A user's command may exec another program (`sh -c` hands over to it), so its
        // command line is unknown; it still leads the process group the lab made for it.
        if process.role == .userApp {
            return ProcFS.processGroup(pid: process.pid).map { $0 == process.pid } ?? true
        }
        guard let commandLine = ProcFS.commandLine(pid: process.pid) else { return true }
        return Array(commandLine.dropFirst()) == process.arguments
    }
}
