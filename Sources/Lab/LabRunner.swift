import AsyncHTTPClient
import Foundation
import LabModel
import Logging

/// Starts a lab as separate processes of the `tracelab` binary, waits until every one is
/// healthy, and hands back a `RunningLab` to stop it. Used by `tracelab up`, `tracelab demo`,
/// the scenario runner and the integration tests.
public enum LabRunner {
    /// Starts every process of `configuration.lab`, in parallel, and waits until all answer
    /// their health check. On any failure (a port taken, a process dying, a health check
    /// timing out) it stops what it started and throws a `LabError` naming the problem.
    public static func start(
        configuration: LabRunnerConfiguration,
        httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "tracelab.lab")
    ) async throws(LabError) -> RunningLab {
        let clock = ContinuousClock()
        let began = clock.now
        let startedAt = Date().timeIntervalSince1970
        let plan: LabPlan
        do {
            plan = try LabPlan.make(configuration.lab)
        } catch {
            throw LabError(.invalidPlan(error))
        }
        let directory = configuration.directory

        try refuseIfRunning(in: directory)
        for (port, owner) in plan.listeningPorts where !PortProbe.isFree(host: configuration.lab.host, port: port) {
            throw LabError(.portInUse(port: port, owner: owner))
        }

        // A user's app the user runs must be there before its sidecar forwards to it.
        for sidecar in plan.sidecars {
            guard let replacement = configuration.lab.replacement(of: sidecar.instance), case .address(let address) = replacement.source else { continue }
            if !PortProbe.accepts(host: address.host, port: address.port) {
                throw LabError(.replacementUnreachable(replacement: replacement.description, address: address.description))
            }
        }

        let logs = LabStateStore.logsPath(in: directory)
        do {
            try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        } catch {
            throw LabError(.stateUnwritable(path: logs, detail: "\(error)"))
        }

        var started: [(spec: LabProcessSpec, pid: Int32)] = []
        for spec in plan.processes {
            let logPath = (directory as NSString).appendingPathComponent(spec.logFile)
            // Each run starts a fresh log, so a failure shows this run's last lines.
            try? FileManager.default.removeItem(atPath: logPath)
            do {
                let pid = try ProcessLauncher.spawn(
                    executable: spec.runsShell ? "/bin/sh" : configuration.executable, arguments: spec.arguments,
                    environment: spec.environment, logPath: logPath
                )
                started.append((spec, pid))
                logger.debug("started", metadata: ["process": "\(spec.name)", "pid": "\(pid)"])
            } catch {
                await stop(started, grace: configuration.stopGrace)
                throw LabError(.spawnFailed(name: spec.name, executable: spec.runsShell ? "/bin/sh" : configuration.executable, errno: error.errno))
            }
        }

        let checker = HealthChecker(httpClient: httpClient)
        let deadline = began.advanced(by: configuration.healthTimeout)
        let failure: LabError? = await withTaskGroup(of: LabError?.self) { group in
            for (spec, pid) in started {
                group.addTask {
                    let logPath = (directory as NSString).appendingPathComponent(spec.logFile)
                    switch await checker.waitUntilHealthy(url: spec.healthURL, pid: pid, deadline: deadline) {
                    case .healthy:
                        return nil
                    case .died(let how):
                        return LabError(.processDied(name: spec.name, exitDescription: how, logFile: spec.logFile, logTail: LogTail.lastLines(of: logPath)))
                    case .timedOut:
                        let seconds = Double(configuration.healthTimeout.components.seconds)
                        return LabError(.notHealthy(name: spec.name, url: spec.healthURL, seconds: seconds, logFile: spec.logFile, logTail: LogTail.lastLines(of: logPath)))
                    }
                }
            }
            for await result in group {
                if let result {
                    group.cancelAll()
                    return result
                }
            }
            return nil
        }
        if Task.isCancelled {
            await stop(started, grace: configuration.stopGrace)
            throw LabError(.interrupted)
        }
        if let failure {
            await stop(started, grace: configuration.stopGrace)
            throw failure
        }

        let elapsed = clock.now - began
        let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        let state = LabState(
            lab: configuration.lab.selection,
            supervisorPID: getpid(),
            detached: configuration.detached,
            startedAt: startedAt,
            startupMilliseconds: milliseconds,
            collectorURL: plan.collectorURL,
            zipkinURL: plan.zipkinURL,
            uiURL: plan.collectorURL + "/",
            entries: plan.entries,
            processes: started.map { LabState.ProcessState(spec: $0.spec, pid: $0.pid) },
            plan: plan
        )
        do {
            try LabStateStore.save(state, in: directory)
        } catch {
            await stop(started, grace: configuration.stopGrace)
            throw error
        }
        logger.info("lab healthy", metadata: ["lab": "\(configuration.lab.selection)", "startup_ms": "\(milliseconds)", "processes": "\(started.count)"])
        return RunningLab(state: state, directory: directory, stopGrace: configuration.stopGrace)
    }

    /// Stops what a failed start started; a user's app with everything it forked.
    static func stop(_ started: [(spec: LabProcessSpec, pid: Int32)], grace: Duration) async {
        await ProcessControl.terminate(started.map(\.pid), groups: Set(started.filter { $0.spec.runsShell }.map(\.pid)), grace: grace)
    }

    /// Throws when lab.json names a process that still runs; removes a stale lab.json.
    static func refuseIfRunning(in directory: String) throws(LabError) {
        let existing: LabState?
        do {
            existing = try LabStateStore.load(from: directory)
        } catch {
            // An unreadable state file names no PIDs to protect; start over.
            LabStateStore.remove(from: directory)
            return
        }
        guard let existing else { return }
        let alive = existing.processes.filter { ProcessControl.isRunning($0.pid) && RunningLab.isSameProcess($0) }
        if !alive.isEmpty {
            throw LabError(.labAlreadyRunning(
                statePath: LabStateStore.statePath(in: directory),
                entries: existing.entries.map(\.url),
                pids: alive.map(\.pid)
            ))
        }
        LabStateStore.remove(from: directory)
    }
}
