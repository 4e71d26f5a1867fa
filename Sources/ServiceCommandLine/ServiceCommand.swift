import StandardErrorLogging
import ArgumentParser
import AsyncHTTPClient
import LabModel
import ConcurrencyEnqueueHook
import LabServices
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Zipkin

/// `tracelab service NAME …`: runs one lab service (what `tracelab up` starts next to each
/// sidecar, and what the per-service executables run).
public struct ServiceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "Run one lab service: productpage, details, reviews, ratings, service-a, service-b or service-c.",
        discussion: """
        Outgoing calls go to the sidecar's outbound listener (--proxy) with Host: <service>, carrying the
        trace headers the propagation mode lets through. Modes (also settable at run time with
        POST /admin/propagation {"mode":"drop-b3"} from loopback): \(PropagationMode.allCases.map(\.rawValue).joined(separator: ", ")).
        """
    )

    @Argument(help: "The service: \(ServiceName.allCases.map(\.rawValue).joined(separator: ", ")).", transform: ServiceCommand.parseService)
    var name: ServiceName

    @Option(help: "Address to listen on (HOST:PORT).", transform: ServiceCommand.parseAddress)
    var listen: HostPort

    @Option(help: "The sidecar's outbound listener (HOST:PORT) all outgoing calls go through.", transform: ServiceCommand.parseAddress)
    var proxy: HostPort

    @Option(help: "The version to serve (reviews: v1, v2 or v3; others v1).")
    var version: String = "v1"

    @Option(help: "What the service forwards of the incoming trace headers.", transform: ServiceCommand.parseMode)
    var propagation: PropagationMode = .forwardAll

    @Flag(help: "Report app spans (handler and outgoing calls) to --zipkin next to the sidecar's.")
    var appSpans = false

    @Option(help: "Zipkin POST URL for app spans, e.g. http://127.0.0.1:9411/api/v2/spans.")
    var zipkin: String?

    @Option(help: "How app spans are exported: zipkin (JSON to --zipkin) or otlp (OTLP/HTTP protobuf to --otlp).",
            transform: ServiceCommand.parseAppSpansProtocol)
    var appSpansProtocol: AppSpansProtocol = .zipkin

    @Option(help: "OTLP/HTTP URL for app spans with --app-spans-protocol otlp, e.g. http://127.0.0.1:9411/v1/traces.")
    var otlp: String?

    @Option(help: "Call SERVICE straight at HOST:PORT[,HOST:PORT…] instead of through the sidecar (the no-mesh baseline); repeatable.")
    var direct: [String] = []

    @Option(help: "Shift the app spans' timestamps, as if this host's clock were off (e.g. 250ms, -1s).", transform: ServiceCommand.parseClockOffset)
    var clockOffset: Int64 = 0

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.", transform: ServiceCommand.parseLogLevel)
    var logLevel: Logger.Level = .info

    public init() {}

    /// The entry point of a per-service executable: `details …` is `tracelab service details …`.
    /// (`main()` would resolve to ArgumentParser's synchronous entry point.)
    public static func main(service: String) async {
        do {
            let command = try parse([service] + CommandLine.arguments.dropFirst())
            try await command.run()
        } catch {
            exit(withError: error)
        }
    }

    public func validate() throws {
        guard name.versions.contains(version) else {
            throw ValidationError("\(name) has no version '\(version)'; use \(name.versions.joined(separator: ", "))")
        }
        if appSpans, appSpansProtocol == .zipkin, (zipkin ?? "").isEmpty {
            throw ValidationError("--app-spans needs --zipkin URL (e.g. http://127.0.0.1:9411/api/v2/spans)")
        }
        if appSpans, appSpansProtocol == .otlp, (otlp ?? "").isEmpty {
            throw ValidationError("--app-spans with --app-spans-protocol otlp needs --otlp URL (e.g. http://127.0.0.1:9411/v1/traces)")
        }
    }

    /// Runs a lab service process on one NIO event loop thread, which is also Swift
    /// concurrency's global executor: a request's handler runs on the thread that read it, its
    /// downstream call goes out and comes back on that thread, and nothing hops between
    /// threads. Under wrk, thread switches between NIO's loops and the concurrency pool were
    /// ~18 % of a chain service's CPU (the hook); with a second loop, a call's answer still
    /// often landed on the other one (one loop: service-b's CPU per request 15 % lower against
    /// its sidecar's). A service needs a few hundred microseconds of CPU per request, far from
    /// a core. Only for service processes, whose tasks never block: a blocking task would stall
    /// every connection. Call before anything uses NIO's singleton group. Returns whether the
    /// hook was installed (false if another was already set).
    @discardableResult
    public static func runOnOneEventLoop() -> Bool {
        NIOSingletons.groupLoopCountSuggestion = 1
        typealias EnqueueHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void
        let installed = withUnsafeTemporaryAllocation(of: EnqueueHook.self, capacity: 1) { hook in
            hook.baseAddress!.initialize(to: { job, _ in
                MultiThreadedEventLoopGroup.singleton.any().executor.enqueue(ExecutorJob(job))
            })
            return hook.baseAddress!.withMemoryRebound(to: UnsafeRawPointer.self, capacity: 1) {
                tracelab_install_concurrency_enqueue_hook($0.pointee)
            }
        }
        tasksRunOnEventLoops.store(installed, ordering: .relaxed)
        return installed
    }

    /// Whether `runOnOneEventLoop` installed its hook (logged at start).
    static let tasksRunOnEventLoops = Atomic<Bool>(false)

    public func run() async throws {
        let level = logLevel
        StandardErrorLogging.bootstrap(level: level)
        let configuration = ServiceConfiguration(
            service: name, version: version, listen: listen, proxy: proxy,
            propagation: propagation, appSpans: appSpans, zipkinURL: zipkin, clockOffsetMicroseconds: clockOffset,
            directRoutes: try Self.parseDirectRoutes(direct), appSpansProtocol: appSpansProtocol, otlpURL: otlp
        )
        let logger = Logger(label: "tracelab.service.\(name.rawValue)")
        logger.debug("starting", metadata: [
            "tasks_on_event_loops": "\(Self.tasksRunOnEventLoops.load(ordering: .relaxed))",
            "event_loops": "\(MultiThreadedEventLoopGroup.singleton.makeIterator().reduce(0) { count, _ in count + 1 })",
        ])
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .labService)
        do {
            let application = try buildServiceApplication(configuration: configuration, httpClient: httpClient, logger: logger)
            try await application.runService()
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    static func parseDirectRoutes(_ values: [String]) throws -> [ServiceName: [HostPort]] {
        var routes: [ServiceName: [HostPort]] = [:]
        for value in values {
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let service = ServiceName(rawValue: parts[0]) else {
                throw ValidationError("invalid --direct '\(value)': expected SERVICE=HOST:PORT[,HOST:PORT…] with a lab service")
            }
            routes[service] = try parts[1].split(separator: ",").map { try parseAddress(String($0)) }
        }
        return routes
    }

    static func parseClockOffset(_ text: String) throws -> Int64 {
        guard let offset = ClockOffset.parse(text) else {
            throw ValidationError("invalid clock offset '\(text)': expected \(ClockOffset.expected)")
        }
        return offset
    }

    static func parseService(_ text: String) throws -> ServiceName {
        guard let service = ServiceName(rawValue: text) else {
            throw ValidationError("unknown service '\(text)'; use one of \(ServiceName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return service
    }

    static func parseAddress(_ text: String) throws -> HostPort {
        guard let address = HostPort(text) else {
            throw ValidationError("'\(text)' is not an address; write HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:9080")
        }
        return address
    }

    static func parseLogLevel(_ text: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ValidationError("unknown log level '\(text)'; use trace, debug, info, notice, warning, error or critical")
        }
        return level
    }

    static func parseMode(_ text: String) throws -> PropagationMode {
        guard let mode = PropagationMode(rawValue: text.lowercased()) else {
            throw ValidationError(LabModelError(.unknownPropagationMode(text)).description)
        }
        return mode
    }

    static func parseAppSpansProtocol(_ text: String) throws -> AppSpansProtocol {
        guard let value = AppSpansProtocol(rawValue: text.lowercased()) else {
            throw ValidationError("'\(text)' is not an app-spans protocol; use zipkin or otlp")
        }
        return value
    }
}
