import Foundation
import Lab
import LabModel

/// The app `check-propagation` judges: one the user runs (`--app HOST:PORT`), or one it
/// starts (`--app 'cmd:COMMAND'`) through `/bin/sh -c` in its own process group, with the
/// app contract in its environment and its output in a log file, stopped as a group.
struct CheckedApp: Sendable {
    enum Source: Hashable, Sendable {
        case address(HostPort)
        case command(String)
    }

    let address: HostPort
    /// `127.0.0.1:8000`, or `cmd: python3 app.py`.
    let label: String
    /// The process group leader of a started command.
    let pid: Int32?
    let logPath: String?

    /// Parses `--app`.
    static func parse(_ text: String) throws(CheckPropagationFailure) -> Source {
        if text.hasPrefix("cmd:") {
            let command = text.dropFirst(4).trimmingCharacters(in: .whitespaces)
            guard !command.isEmpty else { throw .usage("--app 'cmd:' needs a command after 'cmd:'") }
            return .command(command)
        }
        do {
            return .address(try HostPort(parsing: text))
        } catch {
            throw .usage("--app '\(text)' is neither HOST:PORT nor 'cmd:COMMAND'")
        }
    }

    /// An app the user runs: something must accept connections there now.
    static func attach(_ address: HostPort) throws(CheckPropagationFailure) -> CheckedApp {
        guard PortProbe.accepts(host: address.host, port: address.port) else {
            throw .setup("nothing listens on \(address) (--app); start your app there first, or let check-propagation start it with --app 'cmd:COMMAND'")
        }
        return CheckedApp(address: address, label: address.description, pid: nil, logPath: nil)
    }

    /// Starts `command` with `environment` (the app contract, `PORT` included) and waits until
    /// it accepts connections on `127.0.0.1:PORT`, at most `timeout`. A command that exits
    /// first, or never listens, is named with its log's last lines, and nothing is left running.
    static func start(_ command: String, environment: [String: String], port: Int, logPath: String, timeout: Duration) async throws(CheckPropagationFailure) -> CheckedApp {
        let pid: Int32
        do {
            pid = try ProcessLauncher.spawn(executable: "/bin/sh", arguments: ["-c", command], environment: environment, logPath: logPath)
        } catch {
            throw .setup("cannot start /bin/sh for --app 'cmd:\(command)': errno \(error.errno)")
        }
        let app = CheckedApp(address: HostPort(host: "127.0.0.1", port: port), label: "cmd: \(command)", pid: pid, logPath: logPath)
        let outcome = await HealthChecker().waitUntilHealthy(
            url: "tcp://\(app.address)", pid: pid, deadline: ContinuousClock.now.advanced(by: timeout))
        switch outcome {
        case .healthy:
            return app
        case .died(let how):
            await app.stop()
            throw .setup("the app command \(how) before it listened on \(app.address): \(command)\n" + app.logTail())
        case .timedOut:
            await app.stop()
            if Task.isCancelled { throw .setup("interrupted while the app started; it was stopped") }
            throw .setup("the app command did not listen on \(app.address) (its PORT) within \(timeout): \(command)\n" + app.logTail())
        }
    }

    /// Why a started app is gone, or nil while it runs (or when the user runs it).
    func exited() -> String? {
        guard let pid, case .exited(let how) = ProcessControl.status(of: pid) else { return nil }
        return how
    }

    /// Stops a started app and whatever it forked; nothing for an app the user runs.
    func stop() async {
        guard let pid else { return }
        await ProcessControl.terminate([pid], groups: [pid], grace: .seconds(5))
    }

    /// `last lines of LOG:` and the lines, indented; says so when the log is empty.
    func logTail(lines count: Int = 12) -> String {
        guard let logPath else { return "" }
        let lines = LogTail.lastLines(of: logPath, count: count)
        if lines.isEmpty { return "(its log \(logPath) is empty)" }
        return "last lines of its log \(logPath):\n" + lines.map { "  \($0)" }.joined(separator: "\n")
    }
}
