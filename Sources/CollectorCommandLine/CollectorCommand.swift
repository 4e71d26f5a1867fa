import StandardErrorLogging
import ArgumentParser
import Collector
import Foundation
import Hummingbird
import Logging
import SpanStore

/// `tracelab collector …` (and `tracelab-collector …`): the Zipkin-compatible collector with
/// its query API and web UI.
public struct CollectorCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "collector",
        abstract: "Run the Zipkin-compatible collector: span ingest (Zipkin v2 JSON and proto3, v1 JSON, OTLP/HTTP), the Zipkin v2 query API, verdicts and the web UI at /.",
        discussion: """
        Storage: 'memory' (bounded by --max-spans, oldest traces evicted first) or 'sqlite:PATH' \
        (one file, WAL, survives a restart). --retention drops traces older than a duration such \
        as 30m, 24h or 7d. Ingest: POST /api/v2/spans (Zipkin v2 JSON, or zipkin.proto3 with \
        Content-Type application/x-protobuf), POST /api/v1/spans (Zipkin v1 JSON), POST /v1/traces \
        (OTLP/HTTP, protobuf or JSON); docs/INGEST.md.
        """
    )

    @Option(help: "Address to listen on (HOST:PORT).")
    var listen: String = "127.0.0.1:9411"

    @Option(help: "memory or sqlite:PATH.")
    var storage: String = "memory"

    @Option(help: "Most spans kept; the oldest traces are evicted beyond it.")
    var maxSpans: Int = 1_000_000

    @Option(help: "How long a trace is kept after its newest span (e.g. 30m, 24h, 7d).")
    var retention: String?

    @Option(help: "Largest accepted request body in bytes; bigger bodies get 413.")
    var maxBodyBytes: Int = 16 * 1024 * 1024

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(name: .customLong("course-dir"), help: "The workshop's scenarios directory; the UI's course page lists its lessons (GET /api/tracelab/course).")
    var courseDirectory: String?

    @Option(name: .customLong("course-results"), help: "The results `tracelab run` saves (.tracelab/runs/last.json); the course page shows each lesson's last result. A missing file means nothing ran yet.")
    var courseResults: String?

    @Option(name: .customLong("otlp-grpc"), help: "Also take OTLP/gRPC (TraceService/Export) on HOST:PORT, e.g. 127.0.0.1:4317; off unless given.")
    var otlpGRPC: String?

    func makeConfiguration() throws(CollectorError) -> CollectorConfiguration {
        let address = try CollectorConfiguration.parseListen(listen)
        guard maxSpans >= 1 else { throw CollectorError(.invalidMaxSpans(maxSpans)) }
        return CollectorConfiguration(
            host: address.host, port: address.port,
            storage: try CollectorConfiguration.Storage(parsing: storage),
            maxSpans: maxSpans,
            retentionSeconds: try retention.map { (text: String) throws(CollectorError) in try CollectorConfiguration.parseDuration(text) },
            maxBodyBytes: maxBodyBytes,
            courseDirectory: courseDirectory,
            courseResults: courseResults
        )
    }

    public init() {}

    public func validate() throws {
        do {
            _ = try makeConfiguration()
        } catch {
            throw ValidationError(error.description)
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown --log-level '\(logLevel)'; use trace, debug, info, notice, warning, error or critical")
        }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024, got \(maxBodyBytes)") }
        if let courseDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: courseDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--course-dir \(courseDirectory) is not a directory; give the scenarios directory, e.g. --course-dir scenarios")
            }
        }
        if let otlpGRPC {
            #if OTLPGRPC
            do {
                _ = try CollectorConfiguration.parseListen(otlpGRPC)
            } catch {
                throw ValidationError("--otlp-grpc: \(error.description)")
            }
            #else
            throw ValidationError("--otlp-grpc \(otlpGRPC): this tracelab was built without OTLP/gRPC (the OTLPGRPC package trait, on by default); send OTLP over HTTP to /v1/traces, or rebuild with default traits")
            #endif
        }
    }

    public func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        StandardErrorLogging.bootstrap(level: level)
        let logger = Logger(label: "tracelab.collector")
        let configuration = try makeConfiguration()
        let store: any SpanStorage
        do {
            store = try makeSpanStore(configuration: configuration)
        } catch {
            throw CollectorStartError(message: "cannot open storage \(configuration.storage): \(error.description)")
        }
        let application = buildCollectorApplication(configuration: configuration, store: store, logger: logger)
        logger.info("collector starting", metadata: [
            "listen": "\(configuration.host):\(configuration.port)", "storage": "\(configuration.storage)",
            "maxSpans": "\(configuration.maxSpans)", "retentionSeconds": "\(configuration.retentionSeconds.map(String.init) ?? "none")",
        ])
        do {
            #if OTLPGRPC
            let grpcAddress = try otlpGRPC.map { (text: String) throws(CollectorError) in try CollectorConfiguration.parseListen(text) }
            if let otlpGRPC, let grpcAddress {
                let grpc = OTLPGRPCServer(host: grpcAddress.host, port: grpcAddress.port, store: store, logger: logger)
                logger.info("OTLP/gRPC starting", metadata: ["listen": "\(otlpGRPC)"])
                // Both listeners serve until the HTTP application stops (SIGTERM, SIGINT); the
                // gRPC server failing (its address in use) stops the collector: the first task
                // to throw ends the group, which cancels the other.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            try await grpc.run()
                        } catch {
                            throw CollectorStartError(message: "cannot serve OTLP/gRPC on \(otlpGRPC): \(error); stop what holds it or pass another --otlp-grpc")
                        }
                    }
                    group.addTask {
                        try await application.runService()
                        grpc.stop()
                    }
                    while try await group.next() != nil {}
                }
            } else {
                try await application.runService()
            }
            #else
            try await application.runService()
            #endif
        } catch let error as CollectorStartError {
            throw error
        } catch {
            let text = "\(error)"
            if text.contains("in use") || text.contains("EADDRINUSE") {
                throw CollectorStartError(message: "cannot listen on \(listen): the address is in use; stop what holds it or pass another --listen")
            }
            throw CollectorStartError(message: "collector stopped: \(text)")
        }
    }
}

/// Why the collector could not start or stopped, printed by ArgumentParser as `Error: …`.
struct CollectorStartError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
