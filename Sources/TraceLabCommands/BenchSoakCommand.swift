import ArgumentParser
import AsyncHTTPClient
import Foundation
import Lab
import LabModel
import Logging

/// `tracelab bench soak`: does the lab hold up over time (issue 9)?
struct BenchSoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Run a steady load through a fresh lab and report, every interval, each process's RSS and open descriptors and the share of complete traces (which must stay 100 %).",
        discussion: "Exits 1 if any request failed or any trace was incomplete. Run from a release build."
    )

    @Option(help: "bookinfo or chain.")
    var lab: String = "chain"

    @Option(help: "Seconds to run.")
    var duration: Double = 60

    @Option(help: "Seconds per report line.")
    var interval: Double = 10

    @Option(help: "Requests per second.")
    var rate: Double = 50

    @Option(help: "Requests in flight at most.")
    var connections: Int = 16

    @Flag(help: "Print one JSON object per interval instead of the table.")
    var json = false

    func validate() throws {
        guard LabName(rawValue: lab) != nil else { throw ValidationError("--lab must be bookinfo or chain, got '\(lab)'") }
        guard interval >= 1, duration >= interval, duration <= 86_400 else { throw ValidationError("--interval must be ≥ 1 s and --duration at least one interval (at most a day)") }
        guard rate >= 1, rate <= 5_000 else { throw ValidationError("--rate must be 1…5000 requests per second") }
        guard (1...512).contains(connections) else { throw ValidationError("--connections must be 1…512") }
    }

    func run() async throws {
        var logger = Logger(label: "tracelab.bench.soak")
        logger.logLevel = .warning
        let labName = LabName(rawValue: lab) ?? .chain
        guard let placed = LabRunnerConfiguration.onFreePorts(LabConfiguration(selection: labName == .bookinfo ? .bookinfo : .chain)) else {
            throw BenchCommandError(message: "no free block of ports for the lab on 127.0.0.1")
        }
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("tracelab-soak-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let running = try await LabRunner.start(
            configuration: LabRunnerConfiguration(lab: placed, executable: try LabRunnerConfiguration.currentExecutable(), directory: directory,
                                                  healthTimeout: .seconds(60)),
            logger: logger
        )
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let soak = SoakRun(lab: labName, rate: rate, interval: .milliseconds(Int64(interval * 1000)), connections: connections)
        var healthy = true
        do {
            if !json {
                print("tracelab bench soak: \(lab) lab, \(Int(rate)) req/s for \(Int(duration)) s, a line every \(Int(interval)) s")
            }
            for number in 1...Int(duration / interval) {
                let report = try await soak.runInterval(number: number, on: running, client: client)
                healthy = healthy && report.failed == 0 && report.complete == report.requests
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    print(String(decoding: try encoder.encode(report), as: UTF8.self))
                } else {
                    let processes = report.processes.map { "\($0.name) \(String(format: "%.1f", $0.rssMegabytes)) MB/\($0.openFiles) fd" }
                    print(String(format: "%5d s  %6d requests  %d failed  complete %.2f %%  ", report.second, report.requests, report.failed, report.completeness * 100)
                          + processes.joined(separator: ", "))
                }
            }
        } catch {
            try? await client.shutdown()
            await running.stop()
            throw error
        }
        try? await client.shutdown()
        await running.stop()
        if !healthy { throw ExitCode(1) }
    }
}
