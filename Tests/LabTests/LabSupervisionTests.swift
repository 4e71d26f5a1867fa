import Foundation
import Hummingbird
@testable import Lab
import LabModel
import Testing

/// Process supervision with /bin/sh standing in for tracelab, so these run without the lab.
@Suite("Lab supervision")
struct LabSupervisionTests {
    static func temporaryDirectory() throws -> String {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("tracelab-lab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Waits (bounded) until `pid` is no longer running and returns how it ended.
    static func waitForExit(_ pid: Int32) async throws -> ProcessControl.Status {
        for _ in 0..<500 {
            let status = ProcessControl.status(of: pid)
            if status != .running { return status }
            try await Task.sleep(for: .milliseconds(10))
        }
        return .running
    }

    @Test("a spawned process writes to its log and its exit status is reported")
    func spawnAndExit() async throws {
        let directory = try Self.temporaryDirectory()
        let log = (directory as NSString).appendingPathComponent("sh.log")
        let pid = try ProcessLauncher.spawn(executable: "/bin/sh", arguments: ["-c", "echo started; echo oops >&2; exit 3"], logPath: log)
        #expect(try await Self.waitForExit(pid) == .exited("exited with status 3"))
        #expect(LogTail.lastLines(of: log) == ["started", "oops"])
    }

    @Test("a spawned process runs in its own process group")
    func ownProcessGroup() async throws {
        let directory = try Self.temporaryDirectory()
        let pid = try ProcessLauncher.spawn(executable: "/bin/sh", arguments: ["-c", "exec sleep 30"], logPath: (directory as NSString).appendingPathComponent("sleep.log"))
        #expect(getpgid(pid) == pid)
        #expect(getpgid(pid) != getpgrp())
        let killed = await ProcessControl.terminate([pid], grace: .seconds(5))
        #expect(killed.isEmpty)
        #expect(!ProcessControl.isRunning(pid))
    }

    @Test("a process that ignores SIGTERM is killed after the grace period")
    func sigkillAfterGrace() async throws {
        let directory = try Self.temporaryDirectory()
        let pid = try ProcessLauncher.spawn(executable: "/bin/sh", arguments: ["-c", "trap '' TERM; echo ready; exec sleep 30"], logPath: (directory as NSString).appendingPathComponent("stubborn.log"))
        // Wait until the trap is installed (the shell printed after setting it).
        for _ in 0..<500 where LogTail.lastLines(of: (directory as NSString).appendingPathComponent("stubborn.log")).isEmpty {
            try await Task.sleep(for: .milliseconds(10))
        }
        let killed = await ProcessControl.terminate([pid], grace: .milliseconds(200))
        #expect(killed == [pid])
        #expect(!ProcessControl.isRunning(pid))
    }

    @Test("a port something listens on is not free")
    func portInUseIsDetected() async throws {
        let router = Router()
        try await withLiveServer({ onRunning in
            Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: onRunning)
        }) { port in
            #expect(!PortProbe.isFree(host: "127.0.0.1", port: port))
        }
    }

    @Test("a free block has every port free and lies below the ephemeral range; blocks with a taken port, or refused, are passed over")
    func freeBlockSkipsTakenPorts() throws {
        let taken: (Int) -> Bool = { $0 % 97 == 0 }
        for _ in 0..<50 {
            var probed: [Int] = []
            let base = try #require(PortProbe.freeBlock(count: 8, attempts: 1_000, ephemeralStart: 32_768) { port in
                probed.append(port)
                return !taken(port)
            })
            #expect(!(base..<(base + 8)).contains(where: taken))
            #expect(probed.allSatisfy { $0 >= 20_000 && $0 < 32_768 })
        }
        #expect(PortProbe.freeBlock(count: 8, attempts: 50, ephemeralStart: 32_768) { _ in false } == nil)
        var offered = 0
        #expect(PortProbe.freeBlock(count: 8, attempts: 50, ephemeralStart: 32_768, isFree: { _ in true },
                                    claim: { _ in offered += 1; return false }) == nil)
        #expect(offered == 50)
    }

    @Test("blocks handed out in one process never overlap, so labs started side by side get distinct ports")
    func blocksDoNotOverlap() throws {
        var blocks: [Range<Int>] = []
        for _ in 0..<40 {
            let base = try #require(PortProbe.freeBlock(count: 60))
            let block = base..<(base + 60)
            #expect(!blocks.contains { $0.overlaps(block) }, "\(block) overlaps an earlier block")
            blocks.append(block)
        }
    }

    @Test("start-up refuses a taken port, naming the port and the process planned for it")
    func startRefusesTakenPort() async throws {
        let directory = try Self.temporaryDirectory()
        let router = Router()
        try await withLiveServer({ onRunning in
            Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: onRunning)
        }) { port in
            var lab = try #require(LabRunnerConfiguration.onFreePorts(LabConfiguration(selection: .chain)))
            lab.collectorPort = port
            let configuration = LabRunnerConfiguration(lab: lab, executable: "/bin/sh", directory: directory)
            await #expect(throws: LabError(.portInUse(port: port, owner: "collector (listen)"))) {
                _ = try await LabRunner.start(configuration: configuration)
            }
        }
    }

    @Test("a process dying during start-up stops the rest and reports its last log lines")
    func processDiesDuringStartup() async throws {
        let directory = try Self.temporaryDirectory()
        let lab = try #require(LabRunnerConfiguration.onFreePorts(LabConfiguration(selection: .chain)))
        // /bin/sh cannot open a script named "collector", "service" or "proxy": every process dies.
        let configuration = LabRunnerConfiguration(lab: lab, executable: "/bin/sh", directory: directory, healthTimeout: .seconds(20), stopGrace: .seconds(2))
        do {
            _ = try await LabRunner.start(configuration: configuration)
            Issue.record("start-up should have failed")
        } catch {
            guard case .processDied(let name, let how, let logFile, let tail) = error.reason else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(["collector", "service-a-v1", "service-a-v1-proxy", "service-b-v1", "service-b-v1-proxy", "service-c-v1", "service-c-v1-proxy"].contains(name))
            #expect(how.contains("exited with status"))
            #expect(logFile.hasPrefix(".tracelab/logs/"))
            #expect(tail.joined().contains(name.hasSuffix("-proxy") ? "proxy" : (name == "collector" ? "collector" : "service")))
            #expect(error.description.contains("Last lines of"))
        }
        #expect(try LabStateStore.load(from: directory) == nil, "a failed start leaves no lab.json")
    }

    static func state(processes: [LabState.ProcessState], plan: LabPlan) -> LabState {
        LabState(
            lab: .chain, supervisorPID: getpid(), detached: true, startedAt: Date().timeIntervalSince1970, startupMilliseconds: 1500,
            collectorURL: plan.collectorURL, zipkinURL: plan.zipkinURL, uiURL: plan.collectorURL + "/",
            entries: plan.entries, processes: processes, plan: plan
        )
    }

    @Test("start-up refuses to run over a lab whose processes still run")
    func refusesRunningLab() async throws {
        let directory = try Self.temporaryDirectory()
        let plan = try LabPlan.make(LabConfiguration(selection: .chain))
        let sleeper = try ProcessLauncher.spawn(executable: "/bin/sh", arguments: ["-c", "exec sleep 30"], logPath: (directory as NSString).appendingPathComponent("s.log"))
        var process = LabState.ProcessState(spec: plan.processes[0], pid: sleeper)
        process.arguments = ["30"]  // what /proc shows after `exec sleep 30`
        try LabStateStore.save(Self.state(processes: [process], plan: plan), in: directory)
        // `sh -c` may not have exec'd sleep yet; wait until /proc shows it.
        for _ in 0..<500 where ProcFS.commandLine(pid: sleeper).map({ Array($0.dropFirst()) }) != ["30"] {
            try await Task.sleep(for: .milliseconds(10))
        }
        let configuration = LabRunnerConfiguration(lab: LabConfiguration(selection: .chain), executable: "/bin/sh", directory: directory)
        do {
            _ = try await LabRunner.start(configuration: configuration)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.reason == .labAlreadyRunning(statePath: LabStateStore.statePath(in: directory), entries: ["http://127.0.0.1:8080/"], pids: [sleeper]))
        }
        let report = await RunningLab(state: Self.state(processes: [process], plan: plan), directory: directory, stopGrace: .seconds(2)).stop()
        #expect(report.terminated == ["collector"])
        #expect(!ProcessControl.isRunning(sleeper))
        #expect(try LabStateStore.load(from: directory) == nil)
    }

    @Test("stop leaves alone a PID that now runs another program, and reports gone ones")
    func stopChecksIdentity() async throws {
        let directory = try Self.temporaryDirectory()
        let plan = try LabPlan.make(LabConfiguration(selection: .chain))
        let other = try ProcessLauncher.spawn(executable: "/bin/sh", arguments: ["-c", "exec sleep 30"], logPath: (directory as NSString).appendingPathComponent("o.log"))
        let finished = try ProcessLauncher.spawn(executable: "/bin/sh", arguments: ["-c", "exit 0"], logPath: (directory as NSString).appendingPathComponent("f.log"))
        _ = try await Self.waitForExit(finished)
        for _ in 0..<500 where ProcFS.commandLine(pid: other).map({ Array($0.dropFirst()) }) != ["30"] {
            try await Task.sleep(for: .milliseconds(10))
        }
        let reused = LabState.ProcessState(spec: plan.processes[1], pid: other)  // recorded as a service, runs sleep
        let gone = LabState.ProcessState(spec: plan.processes[0], pid: finished)
        let running = RunningLab(state: Self.state(processes: [gone, reused], plan: plan), directory: directory, stopGrace: .seconds(1))
        let status = running.status()
        #expect(status.processes.map(\.up) == [false, false])
        let report = await running.stop()
        #expect(report.alreadyGone == ["collector"])
        #expect(report.skipped == [plan.processes[1].name])
        #expect(ProcessControl.isRunning(other))
        await ProcessControl.terminate([other])
    }

    @Test("status reads RSS from /proc and sums it for the processes that are up")
    func statusReportsRSS() throws {
        let plan = try LabPlan.make(LabConfiguration(selection: .chain))
        var me = LabState.ProcessState(spec: plan.processes[0], pid: getpid())
        me.arguments = Array((ProcFS.commandLine(pid: getpid()) ?? []).dropFirst())
        let report = LabStatusReport(state: Self.state(processes: [me], plan: plan))
        let rss = try #require(report.processes.first?.rssBytes)
        #expect(rss > 1_000_000)
        #expect(report.totalRSSBytes == rss)
        let pss = try #require(report.processes.first?.pssBytes)
        #expect(pss > 0 && pss <= rss)
        #expect(report.totalPSSBytes == pss)
        #expect(report.allUp)
        let table = report.table()
        #expect(table.contains("collector"))
        #expect(table.contains("chain entry: http://127.0.0.1:8080/"))
        #expect(table.contains("healthy 1.50 s after start"))
    }
}
