import AsyncHTTPClient
import Foundation
@testable import Lab
import LabModel
import NIOCore
import Testing
import Zipkin

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Failures people ask about, on a real chain lab: the collector or a sidecar killed with
/// SIGKILL during traffic and started again. Every wait is bounded; everything started here is
/// stopped here by PID.
@Suite("Fault tolerance", .serialized, .enabled(if: TraceLabBinary.isAvailable, "\(TraceLabBinary.unavailableReason ?? "")"))
struct FaultToleranceTests {
    static func startChain(storage: String = "memory") async throws -> RunningLab {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("tracelab-faults-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let lab = LabConfiguration(selection: .chain, proxyPropagation: "b3multi", collectorStorage: storage)
        let running = try await LabRunner.startOnFreePorts(lab) {
            LabRunnerConfiguration(lab: $0, executable: TraceLabBinary.path, directory: directory, healthTimeout: .seconds(90))
        }
        return try #require(running)
    }

    /// Starts `process` again with its recorded arguments and waits (bounded) until it is healthy.
    static func restart(_ process: LabState.ProcessState, lab: RunningLab) async throws -> Int32 {
        let log = (lab.directory as NSString).appendingPathComponent(process.logFile)
        let pid = try ProcessLauncher.spawn(executable: TraceLabBinary.path, arguments: process.arguments, logPath: log)
        let outcome = await HealthChecker(httpClient: .shared).waitUntilHealthy(
            url: process.healthURL, pid: pid, deadline: ContinuousClock.now.advanced(by: .seconds(30)))
        guard case .healthy = outcome else {
            kill(pid, SIGKILL)
            throw RestartFailure(description: "\(process.name) did not come back healthy: \(outcome)")
        }
        return pid
    }

    struct RestartFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Kills `pid` with SIGKILL and waits (bounded) until it is gone.
    static func killHard(_ pid: Int32) async {
        kill(pid, SIGKILL)
        for _ in 0..<200 where ProcessControl.isRunning(pid) {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// `count` requests to the chain entry, `concurrency` at a time, each with a fresh B3
    /// context; returns (status, trace id) per request. A transport error is status 0.
    static func drive(_ url: String, count: Int, concurrency: Int = 4) async -> [(status: Int, traceID: String)] {
        await withTaskGroup(of: [(Int, String)].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var results: [(Int, String)] = []
                    for _ in stride(from: worker, to: count, by: concurrency) {
                        do {
                            let sent = try await FullLabTests.request(url)
                            results.append((200, sent.traceID))
                        } catch {
                            results.append((0, ""))
                        }
                    }
                    return results
                }
            }
            var all: [(status: Int, traceID: String)] = []
            for await results in group { all += results.map { (status: $0.0, traceID: $0.1) } }
            return all
        }
    }

    static func sidecarStats(_ lab: RunningLab) async throws -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for process in lab.state.processes where process.role == .proxy {
            guard let admin = process.adminURL else { continue }
            let base = admin.hasSuffix("/") ? String(admin.dropLast()) : admin
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/stats"), timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 20)
            result[process.name] = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        }
        return result
    }

    @Test("collector killed and restarted during traffic: no request fails, failed batches are counted, SQLite keeps every acknowledged span")
    func collectorKilled() async throws {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("tracelab-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let lab = try await Self.startChain(storage: "sqlite:\(directory)/spans.sqlite")
        var restarted: Int32?
        defer {
            if let restarted { kill(restarted, SIGKILL) }
        }
        do {
            let entry = try #require(lab.entryURL(of: .chain))
            let collector = try #require(lab.state.processes.first { $0.role == .collector })

            // Acknowledged: every span of these traces is in the store before the kill.
            let before = await Self.drive(entry, count: 12)
            #expect(before.allSatisfy { $0.status == 200 })
            for sent in before {
                let spans = try await FullLabTests.trace(sent.traceID, spans: 5, collector: lab.state.collectorURL)
                #expect(spans.count == 5, "trace \(sent.traceID) stored before the kill")
            }

            await Self.killHard(collector.pid)
            let during = await Self.drive(entry, count: 40)
            #expect(during.filter { $0.status != 200 }.isEmpty, "no app request fails while the collector is down")
            // The sidecars flush every 500 ms: wait (bounded) until their failed POSTs are counted.
            var stats: [String: [String: Any]] = [:]
            var failed = 0
            for _ in 0..<100 where failed == 0 {
                stats = try await Self.sidecarStats(lab)
                failed = stats.values.reduce(0) { sum, document in
                    sum + (((document["spans"] as? [String: Any])?["failedBatches"] as? Int) ?? 0)
                }
                if failed == 0 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(failed > 0, "the sidecars count the batches the dead collector did not take: \(stats)")

            restarted = try await Self.restart(collector, lab: lab)
            for sent in before {
                let spans = try await FullLabTests.trace(sent.traceID, spans: 5, collector: lab.state.collectorURL)
                #expect(spans.count == 5, "trace \(sent.traceID) survived the SIGKILL and the restart")
            }
            let after = await Self.drive(entry, count: 8)
            #expect(after.allSatisfy { $0.status == 200 })
            for sent in after {
                let spans = try await FullLabTests.trace(sent.traceID, spans: 5, collector: lab.state.collectorURL)
                #expect(spans.count == 5, "sidecars report to the restarted collector")
            }
        } catch {
            await lab.stop()
            throw error
        }
        await lab.stop()
    }

    @Test("a sidecar killed during traffic: the caller gets 503 with an error span, and the lab recovers when it returns")
    func sidecarKilled() async throws {
        let lab = try await Self.startChain()
        var restarted: Int32?
        defer {
            if let restarted { kill(restarted, SIGKILL) }
        }
        do {
            let entry = try #require(lab.entryURL(of: .chain))
            let sidecarB = try #require(lab.state.sidecar(nodeID: "service-b-v1"))
            await Self.killHard(sidecarB.pid)

            let sent = try await FullLabTests.request(entry)
            #expect(sent.body.contains("service-b unavailable"), "service-a says its call failed: \(sent.body)")
            // service-a's SERVER span and its failed CLIENT span to service-b, nothing below.
            let spans = try await FullLabTests.trace(sent.traceID, spans: 2, collector: lab.state.collectorURL)
            let client = try #require(spans.first { $0.kind == .client && $0.localServiceName == "service-a" })
            #expect(client.tags["http.status_code"] == "503")
            #expect(client.tags["error"] != nil)
            #expect(!spans.contains { $0.localServiceName == "service-b" })

            restarted = try await Self.restart(sidecarB, lab: lab)
            let recovered = try await FullLabTests.request(entry)
            let joined = try await FullLabTests.trace(recovered.traceID, spans: 5, collector: lab.state.collectorURL)
            #expect(joined.count == 5, "the whole chain is traced again")
            #expect(joined.allSatisfy { $0.tags["error"] == nil })
        } catch {
            await lab.stop()
            throw error
        }
        await lab.stop()
    }
}
