import ArgumentParser
import Foundation
import Lab
import LabModel
import Logging
import TraceLabBench

/// `tracelab bench overhead`: what tracing costs, as a lesson (issue 9).
struct BenchOverheadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overhead",
        abstract: "Drive a fixed-rate load through the lab with no sidecars, sidecars without tracing, sampling 1 %, 100 %, and 100 % with the collector down; print latency, CPU, memory and spans per setup.",
        discussion: """
        Each setup runs a fresh lab on free loopback ports. Latency is end to end, counted from \
        each request's scheduled start (open model). "+p99/hop" is what the setup adds over no \
        sidecars, divided by the hops of a request (entry plus calls). "cores busy" is the whole \
        machine during the measurement (lab, load generator, kernel); past 75 % of the cores a \
        setup is marked saturated, as its latency is then mostly waiting for a CPU. "steal %" is \
        CPU time a hypervisor gave to others; setups at 2 % or more are named, as a few bursts of \
        steal set a short run's p99. Targets (issue 9): 100 % \
        tracing adds < 0.5 ms p99 per hop at 1,000 req/s and < 25 % CPU over no tracing; the \
        collector-down run has 0 failed requests. Run from a release build.
        """
    )

    @Option(help: "bookinfo or chain.")
    var lab: String = "chain"

    @Option(help: "Seconds of measured load per setup.")
    var duration: Double = 10

    @Option(help: "Requests per second offered.")
    var rate: Double = 200

    @Option(help: "Requests in flight at most.")
    var connections: Int = 32

    @Option(help: "Seconds of unmeasured load before each measurement.")
    var warmUp: Double = 2

    @Option(help: "Run every setup this many times, in turn with the others, and pool each setup's runs: on a shared machine, neighbours slow down whole seconds at a time, and a setup measured once can land in such a stretch.")
    var rounds: Int = 1

    @Option(help: "Write the latency-by-percentile plot here (SVG).")
    var svg: String?

    @Option(help: "Write every request's due time and latency here as CSV (setup, round, due_s, latency_ms): a p99 set by a few stalls shows as runs of slow requests due close together.")
    var latencies: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard LabName(rawValue: lab) != nil else { throw ValidationError("--lab must be bookinfo or chain, got '\(lab)'") }
        guard duration >= 1, duration <= 600 else { throw ValidationError("--duration must be 1…600 seconds") }
        guard rate >= 1, rate <= 20_000 else { throw ValidationError("--rate must be 1…20000 requests per second") }
        guard (1...1024).contains(connections) else { throw ValidationError("--connections must be 1…1024") }
        guard warmUp >= 0, warmUp <= 60 else { throw ValidationError("--warm-up must be 0…60 seconds") }
        guard (1...20).contains(rounds) else { throw ValidationError("--rounds must be 1…20") }
    }

    func run() async throws {
        var logger = Logger(label: "tracelab.bench.overhead")
        logger.logLevel = .warning
        let labName = LabName(rawValue: lab) ?? .chain
        if _isDebugAssertConfiguration() && !json {
            print("warning: debug build; figures are only meaningful from `swift run -c release tracelab bench overhead`")
        }
        let benchmark = OverheadBenchmark(
            lab: labName, rate: rate, duration: .milliseconds(Int64(duration * 1000)), warmUp: .milliseconds(Int64(warmUp * 1000)),
            connections: connections, executable: try LabRunnerConfiguration.currentExecutable(), logger: logger
        )
        var runs = Array(repeating: [OverheadRun](), count: OverheadBenchmark.setups.count)
        var csv: FileHandle?
        if let latencies {
            guard FileManager.default.createFile(atPath: latencies, contents: Data(OverheadRun.csvHeader.utf8)),
                  let handle = FileHandle(forWritingAtPath: latencies) else {
                throw BenchCommandError(message: "cannot write --latencies file \(latencies)")
            }
            handle.seekToEndOfFile()
            csv = handle
        }
        defer { try? csv?.close() }
        for round in 1...rounds {
            for (index, setup) in OverheadBenchmark.setups.enumerated() {
                let run = try await benchmark.measure(setup) { line in
                    if !json { FileHandle.standardError.write(Data("  \(rounds > 1 ? "round \(round)/\(rounds), " : "")\(line)\n".utf8)) }
                }
                runs[index].append(run)
                csv?.write(Data(run.csvRows(setup: setup.name, round: round).utf8))
            }
        }
        var rows: [OverheadReport.Setup] = []
        var series: [(name: String, latency: LatencyDistribution)] = []
        for (index, setup) in OverheadBenchmark.setups.enumerated() {
            let (row, latency) = OverheadReport.Setup.pooling(runs[index], name: setup.name)
            rows.append(row)
            series.append((setup.name, latency))
        }
        let report = OverheadReport(lab: lab, rate: rate, durationSeconds: duration, connections: connections,
                                    hopsPerRequest: OverheadBenchmark.hopsPerRequest(labName), rounds: rounds, setups: rows)
        if let svg {
            let plot = LatencyPlot(title: "TraceLab overhead: \(lab) lab at \(Int(rate)) req/s", series: series)
            try plot.svg().write(toFile: svg, atomically: true, encoding: .utf8)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table())
            if let svg { print("plot: \(svg)") }
            if let latencies { print("latencies: \(latencies)") }
        }
    }
}
