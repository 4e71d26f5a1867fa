#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Liveness and termination of processes by PID.
public enum ProcessControl {
    /// What became of a process.
    public enum Status: Hashable, Sendable {
        case running
        /// Reaped by us (it was our child), with its exit description.
        case exited(String)
        /// Gone, and not our child (a detached lab's process).
        case gone
    }

    /// Checks a PID without blocking; reaps it if it is our exited child, so no zombie stays.
    public static func status(of pid: Int32) -> Status {
        guard pid > 0 else { return .gone }
        var status: Int32 = 0
        let waited = waitpid(pid, &status, WNOHANG)
        if waited == pid {
            return .exited(describe(waitStatus: status))
        }
        if waited == 0 {
            return .running
        }
        // Not our child: ask the kernel, and treat a zombie as gone.
        guard kill(pid, 0) == 0 || errno == EPERM else { return .gone }
        if ProcFS.state(pid: pid) == "Z" { return .gone }
        return .running
    }

    public static func isRunning(_ pid: Int32) -> Bool {
        status(of: pid) == .running
    }

    /// Sends SIGTERM to each PID, waits up to `grace` for all to exit, then SIGKILLs the rest.
    /// Returns the PIDs that needed SIGKILL. PIDs in `groups` lead a process group (a user's
    /// app started through a shell): the whole group gets the signals, so nothing it forked
    /// outlives the lab.
    @discardableResult
    public static func terminate(_ pids: [Int32], groups: Set<Int32> = [], grace: Duration = .seconds(5)) async -> [Int32] {
        // Stopping must finish even when the caller was cancelled (Ctrl-C during start-up):
        // run it in a task that does not inherit the cancellation.
        await Task { await terminateNow(pids, groups: groups, grace: grace) }.value
    }

    private static func terminateNow(_ pids: [Int32], groups: Set<Int32>, grace: Duration) async -> [Int32] {
        func signal(_ pid: Int32, _ number: Int32) {
            if groups.contains(pid) { kill(-pid, number) } else { kill(pid, number) }
        }
        // A group is gone when its last member is: the leader (a shell) may exit first.
        func alive(_ pid: Int32) -> Bool {
            if isRunning(pid) { return true }
            return groups.contains(pid) && (kill(-pid, 0) == 0 || errno == EPERM)
        }
        let targets = pids.filter { $0 > 0 && alive($0) }
        for pid in targets { signal(pid, SIGTERM) }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: grace)
        var remaining = targets
        while !remaining.isEmpty, clock.now < deadline {
            // Polling: a non-child's exit cannot be awaited portably.
            try? await Task.sleep(for: .milliseconds(20))
            remaining = remaining.filter(alive)
        }
        for pid in remaining { signal(pid, SIGKILL) }
        for pid in remaining {
            for _ in 0..<100 where alive(pid) {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        return remaining
    }

    static func describe(waitStatus status: Int32) -> String {
        let signal = status & 0x7F
        if signal == 0 {
            return "exited with status \((status >> 8) & 0xFF)"
        }
        return "was killed by signal \(signal)"
    }
}
