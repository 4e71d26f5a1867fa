import AsyncHTTPClient
import Foundation
import Lab
import LabModel
import Logging
import NIOCore
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

    /// One setup's row and its latencies (for the plot).
    func measure(_ setup: Setup, progress: (String) -> Void) async throws -> (OverheadReport.Setup, LatencyDistribution) {
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

    private func load(_ setup: Setup, on running: RunningLab, progress: (String) -> Void) async throws -> (OverheadReport.Setup, LatencyDistribution) {
        guard let entry = running.entryURL(of: lab) else { throw BenchCommandError(message: "the lab has no \(lab) entry") }
        if setup.collectorDown, let collector = running.state.processes.first(where: { $0.role == .collector }) {
            kill(collector.pid, SIGKILL)
        }
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        do {
            let result = try await load(setup, on: running, entry: entry, client: client, progress: progress)
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func load(_ setup: Setup, on running: RunningLab, entry: String, client: HTTPClient,
                      progress: (String) -> Void) async throws -> (OverheadReport.Setup, LatencyDistribution) {
        progress("\(setup.name): warming up")
        _ = await OpenModelLoad(url: entry, rate: rate, duration: warmUp, connections: connections).run(client: client)
        let processes = running.state.processes.filter { ProcessControl.isRunning($0.pid) }
        let cpuBefore = Dictionary(uniqueKeysWithValues: processes.map { ($0.pid, ProcFS.cpuSeconds(pid: $0.pid) ?? 0) })
        let spansBefore = await Self.sidecarSpans(running)
        progress("\(setup.name): \(Int(rate)) req/s for \(duration)")
        let outcome = await OpenModelLoad(url: entry, rate: rate, duration: duration, connections: connections).run(client: client)
        // Give the reporters one flush interval, so the spans of the last requests are counted.
        try await Task.sleep(for: .milliseconds(700))
        let spansAfter = await Self.sidecarSpans(running)

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
        let completed = max(outcome.latencies.count, 1)
        let row = OverheadReport.Setup(
            name: setup.name, requests: outcome.latencies.count + outcome.failures, failed: outcome.failures,
            achievedRate: Double(outcome.latencies.count) / outcome.elapsedSeconds,
            latency: LatencyDistribution(microseconds: outcome.latencies),
            cpuSecondsPer1k: cpu.mapValues { $0 / Double(completed) * 1000 },
            rssMegabytes: rss.mapValues { $0.reduce(0, +) / Double($0.count) },
            spansReported: spansAfter.reported - spansBefore.reported, spansDropped: spansAfter.dropped - spansBefore.dropped
        )
        return (row, LatencyDistribution(microseconds: outcome.latencies))
    }

    static func kind(_ role: LabRole) -> String {
        switch role {
        case .collector: "collector"
        case .proxy: "proxy"
        default: "app"
        }
    }

    /// Spans reported and dropped, summed over the sidecars' `/stats`.
    static func sidecarSpans(_ running: RunningLab) async -> (reported: Int, dropped: Int) {
        var reported = 0, dropped = 0
        for process in running.state.processes where process.role == .proxy {
            guard let admin = process.adminURL,
                  let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: admin.trimmingSlash + "/stats"), timeout: .seconds(5)),
                  let body = try? await response.body.collect(upTo: 1 << 20),
                  let document = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
                  let spans = document["spans"] as? [String: Any] else { continue }
            reported += spans["reported"] as? Int ?? 0
            dropped += (spans["dropped"] as? Int ?? 0)
        }
        return (reported, dropped)
    }

    /// Hops per request: the entry plus every call a request makes, with reviews-v1 (a third
    /// of the default split) making no ratings call.
    static func hopsPerRequest(_ lab: LabName) -> Double {
        lab == .bookinfo ? 1 + 2 + 2.0 / 3.0 : 3
    }
}

/// A fixed-rate load with at most `connections` requests in flight.
struct OpenModelLoad {
    var url: String
    var rate: Double
    var duration: Duration
    var connections: Int

    struct Outcome {
        /// Microseconds from each successful request's scheduled start to its last byte.
        var latencies: [Double]
        var failures: Int
        var elapsedSeconds: Double
    }

    func run(client: HTTPClient) async -> Outcome {
        let total = max(1, Int(rate * Double(duration.components.seconds) + rate * Double(duration.components.attoseconds) / 1e18))
        let interval = Duration.nanoseconds(Int64(1e9 / rate))
        let clock = ContinuousClock()
        let start = clock.now
        var latencies: [Double] = []
        latencies.reserveCapacity(total)
        var failures = 0
        await withTaskGroup(of: Double?.self) { group in
            var inFlight = 0
            for index in 0..<total {
                let scheduled = start.advanced(by: interval * index)
                if scheduled > clock.now { try? await clock.sleep(until: scheduled) }
                while inFlight >= connections, let result = await group.next() {
                    inFlight -= 1
                    if let result { latencies.append(result) } else { failures += 1 }
                }
                inFlight += 1
                group.addTask {
                    var request = HTTPClientRequest(url: url)
                    request.headers.add(name: "user-agent", value: "tracelab-bench")
                    do {
                        let response = try await client.execute(request, timeout: .seconds(10))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        guard response.status == .ok else { return nil }
                        let elapsed = scheduled.duration(to: clock.now)
                        return Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
                    } catch {
                        return nil
                    }
                }
            }
            for await result in group {
                if let result { latencies.append(result) } else { failures += 1 }
            }
        }
        let elapsed = start.duration(to: clock.now)
        return Outcome(latencies: latencies, failures: failures,
                       elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

extension String {
    var trimmingSlash: String { hasSuffix("/") ? String(dropLast()) : self }
}
