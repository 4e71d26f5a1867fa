import NIOCore

/// Keep-alive connections to upstream endpoints, owned by one event loop (no locks).
///
/// Bounded per endpoint: at most `maxConnectionsPerEndpoint` open (further requests wait
/// for one to be released) and `maxIdlePerEndpoint` kept idle. Connecting is injected, so
/// the pool is tested with `EmbeddedChannel`s and wired to sockets by the `Proxy` module.
public final class UpstreamConnectionPool {
    /// Opens a TCP channel to the address (no handlers: the pool adds the one it needs).
    public typealias Connector = (HostPort, any EventLoop) -> EventLoopFuture<any Channel>

    public struct Limits: Hashable, Sendable {
        public var maxConnectionsPerEndpoint: Int
        public var maxIdlePerEndpoint: Int

        public init(maxConnectionsPerEndpoint: Int = 512, maxIdlePerEndpoint: Int = 128) {
            self.maxConnectionsPerEndpoint = max(1, maxConnectionsPerEndpoint)
            self.maxIdlePerEndpoint = max(0, maxIdlePerEndpoint)
        }
    }

    /// A class, so that taking and giving back a connection mutates it in place: as a struct
    /// in the dictionary, each did a copy out, a copy-on-write of `idle` and a second hash to
    /// store it back (1.8 k instructions a proxied request).
    private final class Endpoint {
        var idle: [UpstreamConnection] = []
        var open = 0
        var waiters: [EventLoopPromise<UpstreamConnection>] = []
    }

    public let eventLoop: any EventLoop
    public let limits: Limits
    private let connector: Connector
    private var endpoints: [HostPort: Endpoint] = [:]
    /// The endpoint looked up last: a sidecar sends most requests to few endpoints, and
    /// comparing an address (the same `String` as last time) is far cheaper than hashing it.
    private var lastLookup: (address: HostPort, endpoint: Endpoint)?
    private var closed = false

    public init(eventLoop: any EventLoop, limits: Limits = .init(), connector: @escaping Connector) {
        self.eventLoop = eventLoop
        self.limits = limits
        self.connector = connector
    }

    /// An idle kept-alive connection to `address`, if there is one: the common case, served
    /// without allocating a future.
    public func takeIdle(_ address: HostPort) -> UpstreamConnection? {
        eventLoop.preconditionInEventLoop()
        guard let endpoint = existingEndpoint(address), !endpoint.idle.isEmpty else { return nil }
        while let connection = endpoint.idle.popLast() {
            if connection.channel.isActive {
                connection.reused = true
                return connection
            }
        }
        return nil
    }

    /// An idle connection, a new one, or (at the limit) the next one released.
    public func acquire(_ address: HostPort) -> EventLoopFuture<UpstreamConnection> {
        if let connection = takeIdle(address) {
            return eventLoop.assumeIsolated().makeSucceededFuture(connection)
        }
        let endpoint = endpoint(address)
        if endpoint.open >= limits.maxConnectionsPerEndpoint {
            let promise = eventLoop.makePromise(of: UpstreamConnection.self)
            endpoint.waiters.append(promise)
            return promise.futureResult
        }
        endpoint.open += 1
        return connect(address)
    }

    private func connect(_ address: HostPort) -> EventLoopFuture<UpstreamConnection> {
        // The connector's channel lives on this pool's loop, so every callback runs here: the
        // isolated views keep the pool and its connections (loop-confined, not Sendable) off
        // any other thread, checked in debug builds.
        connector(address, eventLoop).assumeIsolated().flatMapThrowing { channel in
            let handler = UpstreamResponseHandler()
            try channel.pipeline.syncOperations.addHandler(handler)
            let connection = UpstreamConnection(channel: channel, address: address, handler: handler)
            channel.closeFuture.assumeIsolated().whenComplete { [weak self] _ in
                self?.connectionClosed(connection)
            }
            return connection
        }.flatMapErrorThrowing { [weak self] error in
            self?.connectFailed(address)
            throw error
        }.nonisolated()
    }

    /// Gives a connection back; `reusable` is false after errors, timeouts, `Connection: close`
    /// or a response that ended before the request did.
    public func release(_ connection: UpstreamConnection, reusable: Bool) {
        eventLoop.preconditionInEventLoop()
        connection.receiver = nil
        guard reusable, !closed, connection.channel.isActive else {
            connection.channel.close(promise: nil)
            return
        }
        let endpoint = endpoint(connection.address)
        if !endpoint.waiters.isEmpty {
            let waiter = endpoint.waiters.removeFirst()
            connection.reused = true
            waiter.assumeIsolated().succeed(connection)
            return
        }
        if endpoint.idle.count >= limits.maxIdlePerEndpoint {
            connection.channel.close(promise: nil)
            return
        }
        endpoint.idle.append(connection)
    }

    /// The endpoint's state, made on first use.
    private func endpoint(_ address: HostPort) -> Endpoint {
        if let endpoint = existingEndpoint(address) { return endpoint }
        let endpoint = Endpoint()
        endpoints[address] = endpoint
        lastLookup = (address, endpoint)
        return endpoint
    }

    private func existingEndpoint(_ address: HostPort) -> Endpoint? {
        if let lastLookup, lastLookup.address == address { return lastLookup.endpoint }
        guard let endpoint = endpoints[address] else { return nil }
        lastLookup = (address, endpoint)
        return endpoint
    }

    private func connectionClosed(_ connection: UpstreamConnection) {
        guard let endpoint = endpoints[connection.address] else { return }
        endpoint.open -= 1
        endpoint.idle.removeAll { $0 === connection }
        serveWaiter(connection.address)
    }

    private func connectFailed(_ address: HostPort) {
        guard let endpoint = endpoints[address] else { return }
        endpoint.open -= 1
        serveWaiter(address)
    }

    /// A slot freed up: open a connection for the oldest waiter.
    private func serveWaiter(_ address: HostPort) {
        guard let endpoint = endpoints[address], !endpoint.waiters.isEmpty, endpoint.open < limits.maxConnectionsPerEndpoint else { return }
        let waiter = endpoint.waiters.removeFirst()
        endpoint.open += 1
        connect(address).assumeIsolated().whenComplete { waiter.assumeIsolated().completeWith($0) }
    }

    /// Open connections to an endpoint now (tests and `/stats`).
    public func openConnections(to address: HostPort) -> Int {
        endpoints[address]?.open ?? 0
    }

    public func idleConnections(to address: HostPort) -> Int {
        endpoints[address]?.idle.count ?? 0
    }

    /// Closes idle connections and refuses to keep more (graceful shutdown).
    public func closeAll() {
        eventLoop.preconditionInEventLoop()
        closed = true
        for (_, endpoint) in endpoints {
            for connection in endpoint.idle { connection.channel.close(promise: nil) }
        }
    }
}
