import Foundation
import Lab
import LabModel
import Logging
import PacedLoad
import Scenario
import TraceLabBench

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the overhead lab: for each setup a fresh lab on free ports, a warm-up, then a
/// fixed-rate open-model load (each request scheduled at `start + i / rate`, its latency
/// counted from that moment, so a stalled proxy cannot hide the requests queued behind it),
/// while the lab's processes are sampled for CPU time and memory.
struct OverheadBenchmark {
    var lab: LabName
    var rate: Double
    var duration: Duration
    var warmUp: Duration
    var connections: Int
    var executable: String
    var logger: Logger

    struct Setup {
        var name: String
        var sidecars: Bool
        var tracing: Bool
        var sampling: Double?
        var collectorDown: Bool
    }

    static let setups: [Setup] = [
        Setup(name: OverheadReport.noSidecars, sidecars: false, tracing: false, sampling: nil, collectorDown: false),
        Setup(name: OverheadReport.sidecarsNoTracing, sidecars: true, tracing: false, sampling: 0, collectorDown: false),
        Setup(name: OverheadReport.onePercent, sidecars: true, tracing: true, sampling: 0.01, collectorDown: false),
        Setup(name: OverheadReport.fullTracing, sidecars: true, tracing: true, sampling: 1, collectorDown: false),
        Setup(name: OverheadReport.collectorDown, sidecars: true, tracing: true, sampling: 1, collectorDown: true),
    ]

    /// One run of a setup on a fresh lab.
    func measure(_ setup: Setup, progress: (String) -> Void) async throws -> OverheadRun {
        var configuration = LabConfiguration(selection: lab == .bookinfo ? .bookinfo : .chain, sampling: setup.sampling)
        configuration.sidecars = setup.sidecars
        configuration.tracing = setup.tracing
        guard let placed = LabRunnerConfiguration.onFreePorts(configuration) else {
            throw BenchCommandError(message: "no free block of ports for the lab on 127.0.0.1")
        }
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("tracelab-overhead-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        progress("\(setup.name): starting the lab")
        let running = try await LabRunner.start(
            configuration: LabRunnerConfiguration(lab: placed, executable: executable, directory: directory, healthTimeout: .seconds(60)),
            logger: logger
        )
        do {
            let result = try await load(setup, on: running, progress: progress)
            await running.stop()
            return result
        } catch {
            await running.stop()
            throw error
        }
    }

    private func load(_ setup: Setup, on running: RunningLab, progress: (String) -> Void) async throws -> OverheadRun {
        guard let entry = running.entryURL(of: lab) else { throw BenchCommandError(message: "the lab has no \(lab) entry") }
        guard let target = HTTPTarget(url: entry) else { throw BenchCommandError(message: "the lab's entry \(entry) is not a plain http://host:port URL") }
        if setup.collectorDown, let collector = running.state.processes.first(where: { $0.role == .collector }) {
            kill(collector.pid, SIGKILL)
        }
        progress("\(setup.name): warming up")
        _ = await PacedHTTPLoad(target: target, rate: rate, duration: warmUp, connections: connections).run()
        let processes = running.state.processes.filter { ProcessControl.isRunning($0.pid) }
        let cpuBefore = Dictionary(uniqueKeysWithValues: processes.map { ($0.pid, ProcFS.cpuSeconds(pid: $0.pid) ?? 0) })
        let spansBefore = await sidecarSpans(running)
        let machineBefore = Self.machineCPU()
        let generatorBefore = ProcFS.cpuSeconds(pid: getpid())
        progress("\(setup.name): \(Int(rate)) req/s for \(duration)")
        let outcome = await PacedHTTPLoad(target: target, rate: rate, duration: duration, connections: connections).run()
        let machineAfter = Self.machineCPU()
        let generatorAfter = ProcFS.cpuSeconds(pid: getpid())
        // Give the reporters one flush interval, so the spans of the last requests are counted.
        try await Task.sleep(for: .milliseconds(700))
        let spansAfter = await sidecarSpans(running)

        var cpu: [String: Double] = [:]
        var rss: [String: [Double]] = [:]
        for process in processes {
            let kind = Self.kind(process.role)
            if let now = ProcFS.cpuSeconds(pid: process.pid) {
                cpu[kind, default: 0] += now - (cpuBefore[process.pid] ?? now)
            }
            if let bytes = ProcFS.residentBytes(pid: process.pid) {
                rss[kind, default: []].append(Double(bytes) / 1_048_576)
            }
        }
        return OverheadRun(
            latencies: outcome.latenciesMicroseconds, failures: outcome.failures, elapsedSeconds: outcome.elapsedSeconds,
            cpuSeconds: cpu, rssMegabytes: rss,
            spansReported: spansAfter.reported - spansBefore.reported, spansDropped: spansAfter.dropped - spansBefore.dropped,
            loadGeneratorCPUSeconds: generatorAfter.flatMap { after in generatorBefore.map { after - $0 } },
            busyCores: machineAfter.flatMap { after in machineBefore.flatMap { after.busyCores(since: $0) } },
            cores: machineAfter?.cores,
            stolenShare: machineAfter.flatMap { after in machineBefore.flatMap { after.stolenShare(since: $0) } },
            dueSeconds: outcome.successes.map { Double($0.index) / rate }
        )
    }

    /// The machine's CPU times now; nil where there is no /proc/stat (macOS).
    static func machineCPU() -> MachineCPUTimes? {
        let seconds = ProcessInfo.processInfo.systemUptime
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)).flatMap {
            MachineCPUTimes(procStat: $0, seconds: seconds, ticksPerSecond: ticks > 0 ? ticks : 100)
        }
    }

    static func kind(_ role: LabRole) -> String {
        switch role {
        case .collector: "collector"
        case .proxy: "proxy"
        default: "app"
        }
    }

    /// Spans reported and dropped, summed over the sidecars' `/stats`.
    func sidecarSpans(_ running: RunningLab) async -> (reported: Int, dropped: Int) {
        let stats = SidecarStats(admin: AdminClient(httpClient: .shared), target: LabSession.target(running.state))
        let counters = await stats.read(lab: lab) ?? [:]
        return (Int(counters[.spansReported] ?? 0), Int(counters[.spansDropped] ?? 0))
    }

    /// Hops per request: the entry plus every call a request makes, with reviews-v1 (a third
    /// of the default split) making no ratings call.
    static func hopsPerRequest(_ lab: LabName) -> Double {
        lab == .bookinfo ? 1 + 2 + 2.0 / 3.0 : 3
    }
}
