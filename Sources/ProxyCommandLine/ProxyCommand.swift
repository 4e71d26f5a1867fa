import ArgumentParser
import Logging
import NIOCore
import Proxy
import ProxyCore
import ServiceLifecycle
import StandardErrorLogging
import ZipkinHTTPReporter

/// `tracelab proxy …` (and `tracelab-proxy …`): the tracing sidecar of one service.
///
/// A target of its own so that the `tracelab-proxy` executable links only the sidecar (no
/// collector, lab, scenario or UI code): a smaller binary maps fewer pages per process.
public struct ProxyCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Run the tracing sidecar: SERVER spans for --inbound traffic to --app, CLIENT spans and routing for the app's calls on --outbound.",
        discussion: """
        The app calls http://<outbound>/path with 'Host: <service>' (or absolute-form \
        'GET http://<service>/path'); --route says where each service lives, e.g. \
        --route reviews=127.0.0.1:9101@80,127.0.0.1:9102@20. Spans go to --zipkin \
        (the full POST URL, e.g. http://127.0.0.1:9411/api/v2/spans) in batches, as JSON or \
        --zipkin-encoding proto3; --span-log FILE appends them to a file too. The admin API \
        on --admin serves /ready, /stats, /metrics, /config and runtime changes \
        (PUT /config/routes/{service}, PUT /config/sampling, PUT /config/clock, POST /config/reset). See docs/PROXY.md.
        """
    )

    @Option(help: "The service this sidecar stands in front of (localEndpoint.serviceName).")
    var service: String

    @Option(help: "Node id for spans and stats (NAME-VERSION, e.g. reviews-v2). Default: the service name.")
    var nodeId: String?

    @Option(help: "Listener for traffic to the service (HOST:PORT).")
    var inbound: String

    @Option(help: "Where the app listens (HOST:PORT).")
    var app: String

    @Option(help: "Listener for the app's outgoing calls (HOST:PORT).")
    var outbound: String?

    @Option(help: "SERVICE=HOST:PORT[@WEIGHT][,HOST:PORT[@WEIGHT]…]; repeat for each service.")
    var route: [String] = []

    @Option(help: "Zipkin v2 POST URL; without it spans are not reported.")
    var zipkin: String?

    @Option(help: "Body of the POSTs to --zipkin: json (Zipkin v2 JSON) or proto3 (zipkin.proto3.ListOfSpans, application/x-protobuf).")
    var zipkinEncoding: String = "json"

    @Option(help: "Append every span to FILE, one Zipkin v2 JSON span per line (with or without --zipkin).")
    var spanLog: String?

    @Option(help: "Probability 0.0…1.0 that a new trace is sampled.")
    var sampling: Double = 1.0

    @Option(help: "Trace header formats read and written: b3multi, b3single, w3c (comma-separated).")
    var propagation: String = "b3multi,b3single,w3c"

    @Option(help: "Shift this sidecar's span timestamps, as if its host's clock were off (e.g. 250ms, -1s); for the clock-skew lesson.")
    var clockOffset: String = "0"

    @Option(help: "Admin API listener (HOST:PORT), loopback by default.")
    var admin: String?

    @Option(help: "Spans per POST to the collector.")
    var batchSize: Int = 100

    @Option(help: "Longest a span waits before it is sent (ms).")
    var flushIntervalMs: Int = 500

    @Option(help: "Spans kept waiting at most; beyond it spans are dropped and counted.")
    var queueCapacity: Int = 10_000

    @Option(help: "Event loop threads (1 = one worker).")
    var threads: Int = 1

    @Option(help: "Largest request header section in bytes before 431.")
    var maxHeaderBytes: Int = 60 * 1024

    @Option(help: "Longest time from a request's first byte to the end of its head before the connection is closed (slowloris).")
    var requestHeadTimeoutMs: Int = 10_000

    @Option(help: "Longest a kept-alive downstream connection may wait for its next request.")
    var idleTimeoutMs: Int = 300_000

    @Option(help: "Downstream connections at most (per listener kind); more are closed at once and counted.")
    var maxConnections: Int = 4096

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func makeConfiguration() throws(ProxyConfigurationError) -> ProxyConfiguration {
        try ServiceName.validate(service)
        var routes: [String: Route] = [:]
        for text in route {
            let parsed = try RouteFlag.parse(text)
            routes[parsed.service] = parsed.route
        }
        try ProxySettings.validateSampling(sampling)
        guard batchSize >= 1 else { throw ProxyConfigurationError(.invalidNumber(field: "--batch-size", value: "\(batchSize)")) }
        guard flushIntervalMs >= 1 else { throw ProxyConfigurationError(.invalidNumber(field: "--flush-interval-ms", value: "\(flushIntervalMs)")) }
        guard queueCapacity >= 1 else { throw ProxyConfigurationError(.invalidNumber(field: "--queue-capacity", value: "\(queueCapacity)")) }
        guard threads >= 1 else { throw ProxyConfigurationError(.invalidNumber(field: "--threads", value: "\(threads)")) }
        guard requestHeadTimeoutMs >= 1 else { throw ProxyConfigurationError(.invalidNumber(field: "--request-head-timeout-ms", value: "\(requestHeadTimeoutMs)")) }
        guard idleTimeoutMs >= 1 else { throw ProxyConfigurationError(.invalidNumber(field: "--idle-timeout-ms", value: "\(idleTimeoutMs)")) }
        guard maxConnections >= 1 else { throw ProxyConfigurationError(.invalidNumber(field: "--max-connections", value: "\(maxConnections)")) }
        guard maxHeaderBytes >= 1024 else { throw ProxyConfigurationError(.invalidNumber(field: "--max-header-bytes", value: "\(maxHeaderBytes)")) }
        if let zipkin, !(zipkin.hasPrefix("http://") || zipkin.hasPrefix("https://")) {
            throw ProxyConfigurationError(.invalidJSON("--zipkin '\(zipkin)' is not an http(s) URL; use e.g. http://127.0.0.1:9411/api/v2/spans"))
        }
        try ProxySettings.validateSpanLog(spanLog)
        let settings = ProxySettings(
            service: service.lowercased(), nodeID: nodeId, inbound: try HostPort(parsing: inbound), app: try HostPort(parsing: app),
            outbound: try outbound.map { (text: String) throws(ProxyConfigurationError) in try HostPort(parsing: text) },
            zipkin: zipkin, sampling: sampling, propagation: try PropagationFormatName.parseList(propagation), routes: routes,
            clockOffsetMicroseconds: try ProxySettings.clockOffset(parsing: clockOffset),
            zipkinEncoding: try ProxySettings.zipkinEncoding(parsing: zipkinEncoding), spanLog: spanLog
        )
        return ProxyConfiguration(
            settings: settings,
            admin: try admin.map { (text: String) throws(ProxyConfigurationError) in try HostPort(parsing: text) },
            reporter: HTTPSpanReporterConfiguration(batchSize: batchSize, flushInterval: .milliseconds(flushIntervalMs), queueCapacity: queueCapacity),
            threads: threads, maxHeaderBytes: maxHeaderBytes,
            requestHeadTimeout: .milliseconds(requestHeadTimeoutMs), idleTimeout: .milliseconds(idleTimeoutMs), maxConnections: maxConnections
        )
    }

    public func validate() throws {
        do {
            _ = try makeConfiguration()
        } catch {
            throw ValidationError(error.description)
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown --log-level '\(logLevel)'; use trace, debug, info, notice, warning, error or critical")
        }
    }

    public init() {}

    public func run() async throws {
        try await run(httpsSpanTransport: nil)
    }

    /// Runs the sidecar; `httpsSpanTransport` posts spans to an `https://` `--zipkin` (the
    /// `tracelab` binary passes AsyncHTTPClient). Without it such a URL is refused here,
    /// before anything starts.
    public func run(httpsSpanTransport: (@Sendable (_ endpoint: String, _ group: any EventLoopGroup) -> any SpanPostTransport)?) async throws {
        var configuration = try makeConfiguration()
        if configuration.settings.zipkinIsHTTPS, httpsSpanTransport == nil {
            throw ValidationError(
                "--zipkin '\(zipkin ?? "")': this tracelab-proxy executable posts spans over plain HTTP only (it leaves TLS out to stay small); "
                    + "run `tracelab proxy` with the same flags for an https:// collector, or give an http:// URL"
            )
        }
        configuration.httpsSpanTransport = httpsSpanTransport
        let level = Logger.Level(rawValue: logLevel) ?? .info
        StandardErrorLogging.bootstrap(level: level)
        let logger = Logger(label: "tracelab.proxy")
        let server = ProxyServer(configuration: configuration, logger: logger)
        // Bind before the service group runs, so a taken port fails the command with its name.
        try await server.start()
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }
}
