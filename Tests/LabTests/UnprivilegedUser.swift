import Foundation
@testable import Lab

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the `tracelab` binary as a user without privileges, as the lab's users run it.
///
/// CI and these machines run as root, which hid a sidecar that reset every connection unless it
/// had CAP_NET_ADMIN (TCP_NODELAY set at the socket level is SO_DEBUG). When the tests run as
/// root, commands go through `setpriv` to uid/gid 65534 (nobody) with no supplementary groups;
/// otherwise the test process is already unprivileged and commands run as it is.
enum UnprivilegedUser {
    static let uid: UInt32 = 65534
    static let gid: UInt32 = 65534

    static var testsRunAsRoot: Bool { geteuid() == 0 }

    /// `setpriv`'s path when the tests run as root and need it; nil when not needed.
    static let setpriv: String? = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Why these tests cannot run, or nil.
    static let unavailableReason: String? = {
        if let reason = TraceLabBinary.unavailableReason { return reason }
        if testsRunAsRoot && setpriv == nil { return "running as root without setpriv (util-linux) to drop privileges" }
        return nil
    }()

    static var isAvailable: Bool { unavailableReason == nil }

    /// A fresh directory the unprivileged user owns (the lab's working directory and HOME).
    static func makeDirectory(_ label: String) throws -> String {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("tracelab-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if testsRunAsRoot {
            guard chown(directory, uid, gid) == 0 else { throw Failure(description: "chown \(directory) to \(uid): errno \(errno)") }
        }
        return directory
    }

    /// The binary to run: the built one when the unprivileged user can execute it in place,
    /// else a copy (with the resource bundles it loads from beside it) in `directory`: a clone
    /// under a directory only root may enter (say /root) is not reachable by uid 65534.
    static func binary(in directory: String) async throws -> String {
        let built = TraceLabBinary.path
        let check = try await run(["/bin/sh", "-c", "test -x \"$1\"", "sh", built], in: directory, timeout: .seconds(10))
        if check.status == 0 { return built }
        let copies = (directory as NSString).appendingPathComponent("bin")
        try FileManager.default.createDirectory(atPath: copies, withIntermediateDirectories: true)
        let builtDirectory = (built as NSString).deletingLastPathComponent
        let bundles = try FileManager.default.contentsOfDirectory(atPath: builtDirectory).filter { $0.hasSuffix(".resources") }
        for name in bundles + [(built as NSString).lastPathComponent] {
            try FileManager.default.copyItem(atPath: (builtDirectory as NSString).appendingPathComponent(name),
                                             toPath: (copies as NSString).appendingPathComponent(name))
        }
        for path in [directory, copies] where chmod(path, 0o755) != 0 {
            throw Failure(description: "chmod \(path): errno \(errno)")
        }
        return (copies as NSString).appendingPathComponent((built as NSString).lastPathComponent)
    }

    /// Runs `command` as the unprivileged user in `directory` (HOME too) and returns its exit
    /// status (-2 when a signal killed it) and its output. The lab's own launcher is used, not a
    /// pipe: a detached lab's processes would hold a pipe open.
    static func run(_ command: [String], in directory: String, timeout: Duration = .seconds(120)) async throws -> (status: Int32, output: String) {
        let (pid, log) = try start(command, in: directory)
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if case .exited(let how) = ProcessControl.status(of: pid) {
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                let prefix = "exited with status "
                return (how.hasPrefix(prefix) ? Int32(how.dropFirst(prefix.count)) ?? 1 : -2, output)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        await ProcessControl.terminate([pid])
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return (-1, "timed out after \(timeout)\n\(output)")
    }

    /// The real user id of a running process, from /proc/PID/status; nil when unreadable.
    static func userID(of pid: Int32) -> UInt32? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("Uid:") {
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { UInt32($0) }
        }
        return nil
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }
}

extension UnprivilegedUser {
    /// Starts a long-running `command` as the unprivileged user and returns its PID (the same
    /// process all along: sh, setpriv and env each exec the next) and its log's path.
    static func start(_ command: [String], in directory: String) throws -> (pid: Int32, log: String) {
        let log = (directory as NSString).appendingPathComponent("process-\(UUID().uuidString).out")
        let drop = testsRunAsRoot ? [setpriv!, "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--"] : []
        let script = "cd \"$1\" && shift && exec \"$@\""
        let arguments = ["-c", script, "sh", directory] + drop + ["/usr/bin/env", "HOME=\(directory)"] + command
        return (try ProcessLauncher.spawn(executable: "/bin/sh", arguments: arguments, logPath: log), log)
    }
}
