import Foundation
import NIOCore
import NIOPosix
import Testing

/// Slow and greedy clients: a head sent byte by byte (slowloris), an idle kept-alive
/// connection, and more connections than allowed. Each is closed by the proxy, counted, and
/// the proxy keeps serving others. Every wait is bounded.
@Suite("downstream limits")
struct DownstreamLimitsTests {
    /// A connection whose close the test can wait for (bounded).
    struct OpenConnection {
        let channel: any Channel

        static func open(port: Int, group: any EventLoopGroup) async throws -> OpenConnection {
            let channel = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).get()
            return OpenConnection(channel: channel)
        }

        func send(_ text: String) async throws {
            try await channel.writeAndFlush(ByteBuffer(string: text))
        }

        /// True when the proxy closed the connection within `limit`.
        func closedByPeer(within limit: TimeAmount) async -> Bool {
            let channel = self.channel
            let timer = channel.eventLoop.scheduleTask(in: limit) {}
            let closed = channel.closeFuture.map { true }
            let timedOut = timer.futureResult.map { false }
            let first = channel.eventLoop.makePromise(of: Bool.self)
            closed.cascade(to: first)
            timedOut.cascade(to: first)
            let result = (try? await first.futureResult.get()) ?? false
            timer.cancel()
            return result
        }
    }

    func stats(_ harness: ProxyHarness) async throws -> [String: Int] {
        let body = try await harness.send(harness.adminURL + "/stats").body
        let document = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        return try #require(document["downstream"] as? [String: Int])
    }

    @Test("a head sent too slowly is cut off at the timeout; other clients are served meanwhile")
    func slowloris() async throws {
        let harness = try await ProxyHarness.start(requestHeadTimeout: .milliseconds(300))
        try await harness.shuttingDown {
            let group = MultiThreadedEventLoopGroup.singleton
            let slow = try await OpenConnection.open(port: harness.addresses.inbound.port, group: group)
            try await slow.send("GET / HTTP/1.1\r\nHost: productpage\r\n")
            // On a loaded machine the 300 ms may already have run out: then this write fails,
            // which is the behaviour under test, not an error.
            try? await slow.send("X-Slow: 1\r\n")
            let reply = try await harness.send(harness.inboundURL + "/")
            #expect(reply.status == 200, "another client is served while the slow one dawdles")
            #expect(await slow.closedByPeer(within: .seconds(5)), "the slow client is disconnected")
            #expect(try await stats(harness)["requestHeadTimeouts"] == 1)
        }
    }

    @Test("a kept-alive connection idle past the idle timeout is closed")
    func idle() async throws {
        let harness = try await ProxyHarness.start(idleTimeout: .milliseconds(300))
        try await harness.shuttingDown {
            let connection = try await OpenConnection.open(port: harness.addresses.inbound.port, group: MultiThreadedEventLoopGroup.singleton)
            try await connection.send("GET / HTTP/1.1\r\nHost: productpage\r\n\r\n")
            #expect(await connection.closedByPeer(within: .seconds(5)))
            #expect(try await stats(harness)["idleClosed"] == 1)
        }
    }

    @Test("connections over the limit are closed at once and counted; a freed slot is used again")
    func connectionLimit() async throws {
        let harness = try await ProxyHarness.start(maxConnections: 2)
        try await harness.shuttingDown {
            let group = MultiThreadedEventLoopGroup.singleton
            let port = harness.addresses.inbound.port
            let first = try await OpenConnection.open(port: port, group: group)
            let second = try await OpenConnection.open(port: port, group: group)
            let third = try await OpenConnection.open(port: port, group: group)
            #expect(await third.closedByPeer(within: .seconds(5)), "the third connection is refused")
            var downstream = try await stats(harness)
            #expect(downstream["refused"] == 1 && downstream["open"] == 2, "\(downstream)")

            try await first.channel.close()
            // Bounded wait until the proxy has seen the close: up to 10 s, since on a loaded CI
            // machine 1 s was not always enough, and a request sent before the slot is free is
            // refused (a reset), which is right but not what this checks.
            for _ in 0..<1_000 where downstream["open"] != 1 {
                try await Task.sleep(for: .milliseconds(10))
                downstream = try await stats(harness)
            }
            try #require(downstream["open"] == 1, "the proxy saw the first connection close: \(downstream)")
            let reply = try await harness.send(harness.inboundURL + "/")
            #expect(reply.status == 200, "the freed slot serves a new client")
            try await second.channel.close()
        }
    }
}
