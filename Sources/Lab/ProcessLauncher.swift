#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Starts the lab's processes with posix_spawn.
///
/// Why not swift-subprocess: its scoped API (`run { execution in … }`) ties a child's life to
/// a scope, and `tracelab up --detach` must return while its children keep running. Why not
/// Foundation `Process`: it offers no process group, and the lab needs each child in its own
/// group so Ctrl-C in the terminal reaches only `tracelab up`, which then stops the children
/// in order (and `down` can stop exactly the recorded PIDs).
public enum ProcessLauncher {
    /// Spawns `executable arguments…` in a new process group, stdin from /dev/null,
    /// stdout and stderr appended to `logPath`, signal dispositions reset to defaults (a
    /// parent that ignores SIGINT must not pass that on), and returns the PID. `environment`
    /// is added to (and overrides) this process's own.
    public static func spawn(executable: String, arguments: [String], environment: [String: String] = [:], logPath: String) throws(SpawnError) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result: Int32
        if environment.isEmpty {
            result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        } else {
            var merged = ProcessInfo.processInfo.environment
            merged.merge(environment) { _, added in added }
            let envp: [UnsafeMutablePointer<CChar>?] = merged.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { for pointer in envp { free(pointer) } }
            result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        }
        guard result == 0 else { throw SpawnError(errno: result) }
        return pid
    }

    public struct SpawnError: Error, Hashable, Sendable {
        public let errno: Int32
    }
}
