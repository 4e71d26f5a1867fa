import NIOCore

/// Per event loop state of a proxy: its connection pool and random generators. Only used
/// from its loop, so it needs no locks.
public final class ProxyLoopContext: @unchecked Sendable {
    public let eventLoop: any EventLoop
    public let pool: UpstreamConnectionPool
    /// Routing and fault draws (seedable for reproducible tests).
    public var routingRandom: ProxyRandom
    /// Trace/span ids, request ids and sampling draws (always system-seeded: two proxies
    /// with one routing seed must still not produce the same ids).
    public var idRandom: ProxyRandom

    public init(eventLoop: any EventLoop, pool: UpstreamConnectionPool, routingSeed: UInt64? = nil) {
        self.eventLoop = eventLoop
        self.pool = pool
        self.routingRandom = routingSeed.map { ProxyRandom(seed: $0) } ?? ProxyRandom()
        self.idRandom = ProxyRandom()
    }
}
