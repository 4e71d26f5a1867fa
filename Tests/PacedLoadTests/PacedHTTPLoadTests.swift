import NIOCore
import NIOPosix
import Testing
import TestSupport
@testable import PacedLoad

@Suite("paced HTTP load")
struct PacedHTTPLoadTests {
    func load(_ server: TestHTTPServer, _ path: String, rate: Double, seconds: Double, connections: Int,
              timeout: Duration = .seconds(10)) -> PacedHTTPLoad {
        PacedHTTPLoad(target: HTTPTarget(host: "127.0.0.1", port: server.port, path: path), rate: rate,
                      duration: .milliseconds(Int64(seconds * 1000)), connections: connections, timeout: timeout)
    }

    @Test("every request is sent once with its own headers, over at most the given connections")
    func sendsEveryRequest() async throws {
        let server = try await TestHTTPServer.scripted()
        let load = load(server, "/ok", rate: 400, seconds: 0.5, connections: 4)
        let outcome = await load.run { index in [("x-index", "\(index)")] }
        await server.close()
        #expect(load.total == 200)
        #expect(outcome.failures == 0, "\(outcome.failureReasons)")
        #expect(outcome.successes.map(\.index).sorted() == Array(0..<200))
        #expect(server.receivedIndices.sorted() == Array(0..<200))
        #expect(server.connections >= 1 && server.connections <= 4)
        #expect(outcome.successes.allSatisfy { $0.latencyMicroseconds > 0 })
        // The last request is not due before 199 / 400 s, whatever the machine.
        #expect(outcome.elapsedSeconds >= 199.0 / 400)
    }

    @Test("open model: a request that waits for a busy connection counts the wait")
    func countsTheWait() async throws {
        let server = try await TestHTTPServer.scripted()
        // 5 requests 50 ms apart through one connection to a server that takes 100 ms each:
        // the last is due at 200 ms and cannot finish before 500 ms.
        let outcome = await load(server, "/slow", rate: 20, seconds: 0.25, connections: 1).run()
        await server.close()
        #expect(outcome.successes.count == 5, "\(outcome.failureReasons)")
        let slowest = outcome.latenciesMicroseconds.max() ?? 0
        #expect(slowest >= 290_000, "a closed-model client would report ~100 ms; got \(slowest) µs")
        #expect(server.connections == 1)
    }

    @Test("non-2xx answers fail with their status, and the connection is reused")
    func statusFailures() async throws {
        let server = try await TestHTTPServer.scripted()
        let outcome = await load(server, "/fail", rate: 200, seconds: 0.1, connections: 2).run()
        await server.close()
        #expect(outcome.successes.isEmpty)
        #expect(outcome.failureReasons == ["status 503": 20])
        #expect(server.connections <= 2)
    }

    @Test("a server that closes after each response or resets gets new connections, and resets fail")
    func closingServers() async throws {
        let server = try await TestHTTPServer.scripted()
        let closing = await load(server, "/close", rate: 200, seconds: 0.1, connections: 2).run()
        #expect(closing.successes.count == 20 && closing.failures == 0, "\(closing.failureReasons)")
        #expect(server.connections == 20)
        let resetting = await load(server, "/reset", rate: 200, seconds: 0.1, connections: 2).run()
        await server.close()
        #expect(resetting.successes.isEmpty && resetting.failures == 20, "\(resetting.failureReasons)")
    }

    @Test("nothing listening: every request fails naming the connect, and the run still ends")
    func serviceDown() async throws {
        let reserved = try RefusingPort()
        let outcome = await PacedHTTPLoad(target: HTTPTarget(host: "127.0.0.1", port: reserved.port), rate: 100,
                                          duration: .milliseconds(100), connections: 3).run()
        #expect(outcome.successes.isEmpty && outcome.failures == 10)
        #expect(outcome.failureReasons.keys.allSatisfy { $0.hasPrefix("connect to 127.0.0.1:\(reserved.port)") }, "\(outcome.failureReasons)")
    }

    @Test("unanswered requests time out, closing their connections, and the run ends")
    func timeout() async throws {
        let server = try await TestHTTPServer.scripted()
        let outcome = await load(server, "/hang", rate: 20, seconds: 0.1, connections: 4, timeout: .milliseconds(200)).run()
        await server.close()
        #expect(outcome.failureReasons == ["timed out": 2])
        #expect(outcome.elapsedSeconds < 5, "bounded by the timeout and its sweep, not by the server")
    }

    @Test("targets parse from the lab's entry URLs; other schemes and bad ports do not")
    func targets() {
        #expect(HTTPTarget(url: "http://127.0.0.1:9080/productpage") == HTTPTarget(host: "127.0.0.1", port: 9080, path: "/productpage"))
        #expect(HTTPTarget(url: "http://localhost:80") == HTTPTarget(host: "localhost", port: 80, path: "/"))
        #expect(HTTPTarget(url: "http://h:1?x=1")?.path == "/?x=1")
        #expect(HTTPTarget(url: "http://[::1]:8080/a")?.hostHeader == "[::1]:8080")
        #expect(HTTPTarget(url: "http://[::1]:8080/a")?.host == "::1")
        #expect(HTTPTarget(url: "https://127.0.0.1:443/") == nil)
        #expect(HTTPTarget(url: "http://127.0.0.1/") == nil)
        #expect(HTTPTarget(url: "http://127.0.0.1:0/") == nil)
        #expect(HTTPTarget(url: "http://127.0.0.1:70000/") == nil)
        #expect(HTTPTarget(url: "http://:80/") == nil)
        #expect(HTTPTarget(host: "h", port: 1, path: "").path == "/")
    }
}
