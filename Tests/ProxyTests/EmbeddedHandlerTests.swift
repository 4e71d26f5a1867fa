import NIOCore
import NIOEmbedded
import ProxyCore
import Testing

@Suite("Handlers and the pool on EmbeddedChannel")
struct EmbeddedHandlerTests {
    /// A pool whose connector hands out connected EmbeddedChannels and counts them.
    final class Connector {
        let loop = EmbeddedEventLoop()
        var opened: [EmbeddedChannel] = []
        var fail = false

        func connect(_ address: HostPort, _ eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
            if fail { return loop.makeFailedFuture(ChannelError.connectTimeout(.seconds(1))) }
            let channel = EmbeddedChannel(loop: loop)
            do {
                _ = channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 1))
            } catch {
                return loop.makeFailedFuture(error)
            }
            opened.append(channel)
            return loop.makeSucceededFuture(channel)
        }
    }

    let endpoint = HostPort(host: "127.0.0.1", port: 9080)

    @Test("reuses released connections and opens a new one only when none is idle")
    func reuse() throws {
        let connector = Connector()
        let pool = UpstreamConnectionPool(eventLoop: connector.loop) { connector.connect($0, $1) }
        let first = try pool.acquire(endpoint).embeddedValue()
        #expect(connector.opened.count == 1 && !first.reused)
        pool.release(first, reusable: true)
        #expect(pool.idleConnections(to: endpoint) == 1)
        let second = try pool.acquire(endpoint).embeddedValue()
        #expect(second === first && second.reused && connector.opened.count == 1)
        pool.release(second, reusable: false)
        connector.loop.run()
        #expect(pool.openConnections(to: endpoint) == 0 && pool.idleConnections(to: endpoint) == 0)
    }

    @Test("at the per-endpoint limit a request waits for the next released connection")
    func limit() throws {
        let connector = Connector()
        let pool = UpstreamConnectionPool(eventLoop: connector.loop, limits: .init(maxConnectionsPerEndpoint: 1, maxIdlePerEndpoint: 1)) { connector.connect($0, $1) }
        let held = try pool.acquire(endpoint).embeddedValue()
        let waiting = pool.acquire(endpoint)
        var handedOver: UpstreamConnection?
        waiting.assumeIsolated().whenSuccess { handedOver = $0 }
        connector.loop.run()
        #expect(handedOver == nil && connector.opened.count == 1)
        pool.release(held, reusable: true)
        connector.loop.run()
        #expect(handedOver === held)
    }

    @Test("a failed connect frees its slot")
    func failedConnect() {
        let connector = Connector()
        connector.fail = true
        let pool = UpstreamConnectionPool(eventLoop: connector.loop, limits: .init(maxConnectionsPerEndpoint: 1)) { connector.connect($0, $1) }
        #expect(throws: (any Error).self) { try pool.acquire(endpoint).embeddedValue() }
        #expect(pool.openConnections(to: endpoint) == 0)
    }
}

extension EventLoopFuture {
    /// The outcome of a future on an `EmbeddedEventLoop`, read on that loop: the pool's
    /// connections are loop-confined (not Sendable), so `wait()`, which may cross threads, is
    /// the wrong tool for them. Throws when the loop has not completed the future yet.
    func embeddedValue() throws -> Value {
        var outcome: Result<Value, any Error>?
        assumeIsolated().whenComplete { outcome = $0 }
        guard let outcome else { throw NotYetCompleted() }
        return try outcome.get()
    }

    struct NotYetCompleted: Error {}
}
