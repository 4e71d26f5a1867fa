import NIOCore
import ProxyCore
import ZipkinHTTPReporter

/// Everything needed to start one sidecar (built by `tracelab proxy` from its flags, or by
/// tests directly with port 0).
public struct ProxyConfiguration: Sendable {
    /// Identity, listeners, app, routes, sampling and propagation (what `/config` shows).
    public var settings: ProxySettings
    /// Admin API listener; nil for none.
    public var admin: HostPort?
    /// Span batching: `--batch-size`, `--flush-interval-ms`, `--queue-capacity`.
    public var reporter: HTTPSpanReporterConfiguration
    /// Event loop threads (1 = one worker, like Envoy's `--concurrency 1`).
    public var threads: Int
    /// Seeds routing and fault draws (tests); nil draws from the system.
    public var routingSeed: UInt64?
    /// Largest request header section before 431.
    public var maxHeaderBytes: Int
    /// How long the app may take to answer an inbound request before 504.
    public var appTimeout: Duration
    /// How long opening an upstream connection may take before 503.
    public var connectTimeout: Duration
    public var poolLimits: UpstreamConnectionPool.Limits
    /// How long graceful shutdown waits for in-flight requests.
    public var drainTimeout: Duration
    /// How long a client may take from a request's first byte to the end of its head (slowloris).
    public var requestHeadTimeout: Duration
    /// How long a kept-alive downstream connection may sit with no request before it is closed.
    /// Longer than the lab apps' client pools keep idle connections (60 s), so the client closes first.
    public var idleTimeout: Duration
    /// Downstream connections per listener kind at most; more are closed at once and counted.
    public var maxConnections: Int
    /// Makes the transport for an `https://` `settings.zipkin` on the reporter's event loop
    /// group. Without it spans go over plain HTTP/1.1 (``HTTP1SpanPoster``) and an https URL
    /// fails each POST, naming the reason: `tracelab proxy` passes AsyncHTTPClient here, the
    /// lean `tracelab-proxy` leaves TLS out.
    public var httpsSpanTransport: (@Sendable (_ endpoint: String, _ group: any EventLoopGroup) -> any SpanPostTransport)?

    public init(
        settings: ProxySettings, admin: HostPort? = nil, reporter: HTTPSpanReporterConfiguration = .init(), threads: Int = 1,
        routingSeed: UInt64? = nil, maxHeaderBytes: Int = 60 * 1024, appTimeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(2), poolLimits: UpstreamConnectionPool.Limits = .init(), drainTimeout: Duration = .seconds(5),
        requestHeadTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(300), maxConnections: Int = 4096
    ) {
        self.settings = settings
        self.admin = admin
        self.reporter = reporter
        self.threads = max(1, threads)
        self.routingSeed = routingSeed
        self.maxHeaderBytes = maxHeaderBytes
        self.appTimeout = appTimeout
        self.connectTimeout = connectTimeout
        self.poolLimits = poolLimits
        self.drainTimeout = drainTimeout
        self.requestHeadTimeout = requestHeadTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = max(1, maxConnections)
    }
}
