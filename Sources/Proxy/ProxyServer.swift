import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ProxyCore
import ServiceLifecycle
import Synchronization
import Zipkin
import ZipkinHTTPReporter

/// The tracing sidecar: inbound, outbound and admin listeners on one event loop group,
/// spans sent by an ``HTTPSpanReporter`` (or an injected reporter) and, with `spanLog` set,
/// appended to a file by a ``SpanLogReporter``.
///
/// A swift-service-lifecycle `Service`: `run()` serves until graceful shutdown (SIGTERM in
/// `tracelab proxy`), then stops accepting, lets in-flight requests finish (bounded by
/// `drainTimeout`), flushes pending spans (bounded by the reporter's `shutdownTimeout`) and
/// closes everything. Tests call ``start()`` on port 0, then `run()` and ``triggerShutdown()``.
public final class ProxyServer: Service, Sendable {
    public let configuration: ProxyConfiguration
    public let runtime: ProxyRuntime
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let reporterGroup: MultiThreadedEventLoopGroup?
    private let spanTransport: (any SpanPostTransport)?
    private let httpReporter: HTTPSpanReporter?
    private let spanLog: SpanLogReporter?
    private let loopContexts: [ObjectIdentifier: ProxyLoopContext]

    private struct State {
        var channels: [any Channel] = []
        var addresses: ProxyAddresses?
        var shutdownRequested = false
        var shutdownContinuation: AsyncStream<Void>.Continuation?
    }
    private let state = Mutex(State())
    private let shutdownSignal: AsyncStream<Void>
    private let shutdownContinuation: AsyncStream<Void>.Continuation

    /// - Parameter spanReporter: replaces the HTTP reporter (tests); nil reports to
    ///   `settings.zipkin` when set, else discards spans. `settings.spanLog` applies either way.
    public init(configuration: ProxyConfiguration, logger: Logger, spanReporter: (any SpanReporter)? = nil) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "service"] = .string(configuration.settings.service)
        logger[metadataKey: "node_id"] = .string(configuration.settings.nodeID)
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.threads)

        var reporter: any SpanReporter
        var httpStatistics: (@Sendable () -> HTTPSpanReporterStatistics)?
        if let spanReporter {
            reporter = spanReporter
            self.reporterGroup = nil
            self.spanTransport = nil
            self.httpReporter = nil
        } else if let zipkin = configuration.settings.zipkin {
            // Its own thread: encoding and POSTing never run on the proxy's event loop.
            let reporterGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let transport: any SpanPostTransport
            if let makeTransport = configuration.httpsSpanTransport, configuration.settings.zipkinIsHTTPS {
                transport = makeTransport(zipkin, reporterGroup)
            } else {
                transport = HTTP1SpanPoster(endpoint: zipkin, eventLoop: reporterGroup.next(), userAgent: "tracelab-proxy")
            }
            var reporterConfiguration = configuration.reporter
            reporterConfiguration.encoding = configuration.settings.zipkinEncoding
            let httpReporter = HTTPSpanReporter(transport: transport, configuration: reporterConfiguration, logger: logger)
            reporter = httpReporter
            httpStatistics = { httpReporter.statistics }
            self.reporterGroup = reporterGroup
            self.spanTransport = transport
            self.httpReporter = httpReporter
        } else {
            reporter = DiscardingSpanReporter()
            self.reporterGroup = nil
            self.spanTransport = nil
            self.httpReporter = nil
        }
        var logStatistics: (@Sendable () -> SpanLogStatistics)?
        if let path = configuration.settings.spanLog {
            let spanLog = SpanLogReporter(path: path, configuration: configuration.reporter, logger: logger)
            reporter = reporter is DiscardingSpanReporter ? spanLog : FanOutSpanReporter([reporter, spanLog])
            logStatistics = { spanLog.statistics }
            self.spanLog = spanLog
        } else {
            self.spanLog = nil
        }
        var counters: (@Sendable () -> ProxyRuntime.ReporterCounters)?
        if httpStatistics != nil || logStatistics != nil {
            counters = { [httpStatistics, logStatistics] in
                let http = httpStatistics?() ?? .init()
                let log = logStatistics?() ?? .init()
                return .init(
                    reported: http.reported, dropped: http.dropped, queued: http.queued, failedBatches: http.failedBatches,
                    logWritten: log.written, logDropped: log.dropped, logQueued: log.queued, logWriteErrors: log.writeErrors
                )
            }
        }
        self.runtime = ProxyRuntime(
            settings: configuration.settings, reporter: reporter, reporterStatistics: counters,
            maxHeaderBytes: configuration.maxHeaderBytes,
            appTimeout: TimeAmount(configuration.appTimeout)
        )

        var contexts: [ObjectIdentifier: ProxyLoopContext] = [:]
        let connectTimeout = TimeAmount(configuration.connectTimeout)
        for loop in group.makeIterator() {
            let pool = UpstreamConnectionPool(eventLoop: loop, limits: configuration.poolLimits) { address, eventLoop in
                ClientBootstrap(group: eventLoop)
                    .connectTimeout(connectTimeout)
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .connect(host: address.host, port: address.port)
            }
            contexts[ObjectIdentifier(loop)] = ProxyLoopContext(eventLoop: loop, pool: pool, routingSeed: configuration.routingSeed)
        }
        self.loopContexts = contexts
        (self.shutdownSignal, self.shutdownContinuation) = AsyncStream<Void>.makeStream()
    }

    /// Outside `start`: Swift 6.3's optimizer crashes (signal 11, splitting the coroutine of
    /// `start`) on a typed-throws call through an optional inside that async function.
    private func openSpanLog() throws {
        guard let spanLog else { return }
        try spanLog.open()
    }

    /// Binds the listeners (idempotent) and returns their addresses; `/ready` answers 200 after.
    @discardableResult
    public func start() async throws -> ProxyAddresses {
        if let addresses = state.withLock({ $0.addresses }) { return addresses }
        let settings = configuration.settings
        // Before binding: a span log this user cannot write fails the start, naming the file.
        try openSpanLog()
        do {
            let inbound = try await bind(settings.inbound, name: "inbound") { channel in
                try self.addProxyHandlers(channel, direction: .inbound)
            }
            var outbound: (any Channel)?
            if let address = settings.outbound {
                outbound = try await bind(address, name: "outbound") { channel in
                    try self.addProxyHandlers(channel, direction: .outbound)
                }
            }
            var admin: (any Channel)?
            if let address = configuration.admin {
                if !address.isLoopback {
                    // The admin API changes routes, faults and sampling without authentication.
                    logger.warning("the admin API is reachable from other machines: bind it to 127.0.0.1 unless that is intended",
                                   metadata: ["admin": "\(address)"])
                }
                let router = AdminRouter(runtime: runtime)
                admin = try await bind(address, name: "admin") { channel in
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(AdminHandler(router: router))
                }
            }
            let addresses = ProxyAddresses(
                inbound: try Self.hostPort(inbound, asked: settings.inbound),
                outbound: try outbound.map { try Self.hostPort($0, asked: settings.outbound ?? settings.inbound) },
                admin: try admin.map { try Self.hostPort($0, asked: configuration.admin ?? settings.inbound) }
            )
            state.withLock { state in
                state.channels = [inbound] + [outbound, admin].compactMap { $0 }
                state.addresses = addresses
            }
            runtime.setBoundAddresses(inbound: addresses.inbound, outbound: addresses.outbound)
            runtime.setReady(true)
            logger.info("proxy listening", metadata: [
                "inbound": "\(addresses.inbound)", "outbound": "\(addresses.outbound.map(\.description) ?? "-")",
                "admin": "\(addresses.admin.map(\.description) ?? "-")", "app": "\(settings.app)",
                "zipkin": "\(settings.zipkin ?? "-")", "zipkin_encoding": "\(settings.zipkinEncoding.rawValue)",
                "span_log": "\(settings.spanLog ?? "-")", "sampling": "\(settings.sampling)",
            ])
            return addresses
        } catch {
            let channels = state.withLock { $0.channels }
            for channel in channels { try? await channel.close() }
            throw error
        }
    }

    /// Serves until graceful shutdown, cancellation or ``triggerShutdown()``, then drains.
    public func run() async throws {
        try await start()
        let signal = shutdownSignal
        let reporter = httpReporter
        let spanLog = spanLog
        await withTaskGroup(of: Void.self) { group in
            if let reporter {
                group.addTask {
                    // Stopped after `drain`, so it sends what the last requests reported.
                    try? await reporter.run()
                }
            }
            if let spanLog {
                group.addTask {
                    // Stopped after `drain` too; it writes what is queued, the file is closed below.
                    try? await spanLog.run()
                }
            }
            await withGracefulShutdownHandler {
                for await _ in signal { break }
            } onGracefulShutdown: {
                self.triggerShutdown()
            }
            await self.drain()
            // Stopped, not cancelled: cancelling would abort a batch already being POSTed
            // (the collector may have stored it, but it would be counted as dropped).
            reporter?.stop()
            spanLog?.stop()
        }
        await reporter?.flush()
        spanLog?.flush()
        spanLog?.close()
        await spanTransport?.shutdown()
        try? await self.group.shutdownGracefully()
        try? await reporterGroup?.shutdownGracefully()
        logger.info("proxy stopped")
    }

    /// Starts the graceful shutdown (what SIGTERM does through the service group).
    public func triggerShutdown() {
        shutdownContinuation.yield()
        shutdownContinuation.finish()
    }

    private func drain() async {
        runtime.setReady(false)
        let channels = state.withLock { $0.channels }
        // Stop accepting: close the listening sockets, keep accepted connections.
        for channel in channels { try? await channel.close() }
        let deadline = ContinuousClock.now.advanced(by: configuration.drainTimeout)
        while runtime.activeRequests > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if runtime.activeRequests > 0 {
            logger.warning("shutting down with requests still in flight", metadata: ["requests": "\(runtime.activeRequests)"])
        }
        for context in loopContexts.values {
            try? await context.eventLoop.submit { context.pool.closeAll() }.get()
        }
    }

    private func addProxyHandlers(_ channel: any Channel, direction: ProxyDirection) throws {
        guard let loop = loopContexts[ObjectIdentifier(channel.eventLoop)] else {
            throw ChannelError.ioOnClosedChannel
        }
        let statistics = runtime.statistics
        guard statistics.connectionOpened(limit: configuration.maxConnections) else {
            // Over the limit: close before reading anything, so a flood of idle connections
            // (slowloris) cannot take every descriptor.
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { _ in statistics.connectionClosed() }
        let sync = channel.pipeline.syncOperations
        let deadlines = ConnectionDeadlines(
            headTimeout: TimeAmount(configuration.requestHeadTimeout), idleTimeout: TimeAmount(configuration.idleTimeout),
            onTimeout: { statistics.deadlineFired($0) }
        )
        var logger = self.logger
        logger[metadataKey: "listener"] = .string(direction.rawValue)
        // The only handler: it reads and writes the HTTP/1.1 bytes itself (no codec), and
        // drives the deadlines.
        try sync.addHandler(ForwardingHandler(direction: direction, runtime: runtime, loop: loop, logger: logger, deadlines: deadlines))
    }

    private func bind(_ address: HostPort, name: String, initializer: @escaping @Sendable (any Channel) throws -> Void) async throws -> any Channel {
        do {
            return try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelOption(.maxMessagesPerRead, value: 16)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try initializer(channel) }
                }
                .bind(host: address.host, port: address.port)
                .get()
        } catch {
            throw ProxyServerError(.cannotBind(listener: name, address: address.description, underlying: "\(error)"))
        }
    }

    private static func hostPort(_ channel: any Channel, asked: HostPort) throws -> HostPort {
        guard let port = channel.localAddress?.port else { return asked }
        return HostPort(host: asked.host, port: port)
    }
}

/// Why the proxy could not start.
public struct ProxyServerError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case cannotBind(listener: String, address: String, underlying: String)
    }

    public var reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .cannotBind(let listener, let address, let underlying):
            "cannot listen on \(address) for the \(listener) listener (\(underlying)); is the port in use? pick another with --\(listener)"
        }
    }
}
