import ArgumentParser
import Collector
import Foundation
import Logging

/// `tracelab bench collector`: ingest spans/s (memory and SQLite) for Zipkin JSON, Zipkin proto3
/// and OTLP protobuf bodies, trace lookup p50/p99 with a full store, and memory per stored span
/// (issue 6 and issue 23 targets).
struct BenchCollectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collector",
        abstract: "Post Envoy-shaped spans to an in-process collector over loopback HTTP and print ingest and query figures.",
        discussion: """
        The same Envoy-shaped spans are posted as Zipkin v2 JSON, Zipkin proto3 (application/x-protobuf \
        to /api/v2/spans) and OTLP protobuf (/v1/traces), one format after the other into the same collector. \
        Targets (issues 6 and 23, one core): ≥ 100,000 spans/s ingest for each format (memory), ≥ 30,000 spans/s (SQLite), \
        GET /api/v2/trace/{id} p99 < 5 ms with 1,000,000 spans stored, < 1.5 KB resident per stored span. \
        Run from a release build: swift run -c release tracelab bench collector. \
        To give the collector a core of its own, start it pinned and fresh, and point --url at it:
          taskset -c 0 tracelab collector --listen 127.0.0.1:9412 --storage sqlite:/tmp/bench.db --max-spans 2000000 &
          taskset -c 1 tracelab bench collector --url http://127.0.0.1:9412
        """
    )

    @Option(help: "Which stores to measure: memory, sqlite or both.")
    var storage: String = "both"

    @Option(help: "Spans posted for each format's timed ingest figure.")
    var ingestSpans: Int = 200_000

    @Option(help: "Spans stored before the query figure (including the ingest ones of every format).")
    var storedSpans: Int = 1_000_000

    @Option(help: "Spans per POST (a multiple of 4: one bookinfo trace is four spans).")
    var batchSize: Int = 100

    @Option(help: "Concurrent POSTs.")
    var concurrency: Int = 4

    @Option(help: "GET /api/v2/trace/{id} requests for the latency figure.")
    var queries: Int = 5_000

    @Option(help: "Directory for the SQLite file (deleted afterwards).")
    var directory: String = NSTemporaryDirectory()

    @Option(help: "Base URL of a running, empty collector to measure instead of in-process ones (no memory figure).")
    var url: String?

    @Flag(help: "Print the reports as JSON.")
    var json = false

    func validate() throws {
        guard ["memory", "sqlite", "both"].contains(storage) else { throw ValidationError("--storage must be memory, sqlite or both, got '\(storage)'") }
        guard batchSize >= 4, batchSize % 4 == 0 else { throw ValidationError("--batch-size must be a positive multiple of 4, got \(batchSize)") }
        guard ingestSpans >= batchSize else { throw ValidationError("--ingest-spans must be at least --batch-size (\(batchSize))") }
        guard storedSpans >= ingestSpans else { throw ValidationError("--stored-spans must be at least --ingest-spans (\(ingestSpans))") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be 1…64, got \(concurrency)") }
        guard queries >= 1 else { throw ValidationError("--queries must be at least 1") }
        if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("--url must be an http(s) base URL such as http://127.0.0.1:9412, got '\(url)'")
        }
    }

    func run() async throws {
        var logger = Logger(label: "tracelab.bench.collector")
        logger.logLevel = .warning
        if _isDebugAssertConfiguration() && !json {
            print("warning: debug build; figures are only meaningful from `swift run -c release tracelab bench collector`")
        }
        var reports: [CollectorBenchmark.Report] = []
        let path = (directory as NSString).appendingPathComponent("tracelab-bench-\(ProcessInfo.processInfo.processIdentifier).sqlite")
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let targets: [CollectorBenchmark.Target] = if let url {
            [.external(baseURL: url.hasSuffix("/") ? String(url.dropLast()) : url)]
        } else {
            (storage == "both" ? ["memory", "sqlite"] : [storage]).map { .inProcess($0 == "memory" ? .memory : .sqlite(path: path)) }
        }
        for target in targets {
            let options = CollectorBenchmark.Options(
                target: target, ingestSpans: ingestSpans, storedSpans: storedSpans,
                batchSize: batchSize, concurrency: concurrency, queries: queries)
            let report = try await CollectorBenchmark(options: options, logger: logger).run()
            reports.append(report)
            if !json { print(Self.describe(report)) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(reports), as: UTF8.self))
        }
    }

    static func describe(_ report: CollectorBenchmark.Report) -> String {
        let target = switch report.storage {
        case "memory": "target ≥ 100000"
        case "sqlite": "target ≥ 30000"
        default: "targets: memory ≥ 100000, SQLite ≥ 30000"
        }
        var lines = ["collector [\(report.storage)]"]
        for figure in report.ingest {
            let label = switch figure.format {
            case .json: "ingest JSON       "
            case .proto3: "ingest proto3     "
            case .otlp: "ingest OTLP proto "
            }
            lines.append(String(format: "  %@%10.0f spans/s  (%d spans in %.2f s, %d bytes per batch; %@)",
                                label, figure.spansPerSecond, figure.spans, figure.seconds, figure.bytesPerBatch, target))
        }
        lines += [
            String(format: "  fill              %10.0f spans/s  (to %d stored spans)", report.fillSpansPerSecond, report.storedSpans),
            String(format: "  GET trace p50     %10.3f ms", report.traceQueryP50Milliseconds),
            String(format: "  GET trace p99     %10.3f ms  (target < 5 ms)", report.traceQueryP99Milliseconds),
        ]
        if let perSpan = report.residentBytesPerSpan {
            lines.append(String(format: "  resident per span %10.0f bytes (target < 1536)", perSpan))
        }
        return lines.joined(separator: "\n")
    }
}
