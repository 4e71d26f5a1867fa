import NIOPosix
import Synchronization
import Testing
import TestSupport
import ZipkinHTTPReporter

/// The sidecar's own span POST client against a server that answers with exact bytes: the
/// request it writes, keep-alive, a stale connection, and each way a POST can fail.
///
/// Server and client run on a group of this suite's own: on the shared singleton group, a
/// test elsewhere in a loaded parallel run once held a loop long enough for two POSTs here to
/// wait out their 5 s (CI). Waits that should succeed get 30 s.
@Suite("HTTP1SpanPoster: span POSTs over plain HTTP/1.1")
struct HTTP1SpanPosterTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    static let accepted = RawHTTPServer.Answer("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")
    static let patience = Duration.seconds(30)

    static func server(_ answer: @escaping @Sendable (String) -> RawHTTPServer.Answer) async throws -> RawHTTPServer {
        try await RawHTTPServer(group: group, answer: answer)
    }

    static func poster(port: Int, path: String = "/api/v2/spans") -> HTTP1SpanPoster {
        HTTP1SpanPoster(endpoint: "http://127.0.0.1:\(port)\(path)", eventLoop: group.next(), userAgent: "poster-test")
    }

    static func failure(_ body: () async throws(SpanPostError) -> Int) async -> SpanPostError? {
        do {
            let status = try await body()
            Issue.record("expected a failure, got status \(status)")
            return nil
        } catch {
            return error
        }
    }

    @Test("a POST carries the body with its type and length; the kept-alive connection carries the next")
    func postsAndReuses() async throws {
        let server = try await Self.server { _ in Self.accepted }
        let poster = Self.poster(port: server.port)
        let body = Array(#"[{"traceId":"a"}]"#.utf8)
        #expect(try await poster.post(body, contentType: "application/json", timeout: Self.patience) == 202)
        #expect(try await poster.post(body, contentType: "application/json", timeout: Self.patience) == 202)
        #expect(server.connections == 1)
        let head = try #require(server.received.first)
        #expect(head.hasPrefix("POST /api/v2/spans HTTP/1.1\r\n"), "\(head)")
        #expect(head.contains("Host: 127.0.0.1:\(server.port)\r\n"), "\(head)")
        #expect(head.contains("Content-Type: application/json\r\n"), "\(head)")
        #expect(head.contains("Content-Length: \(body.count)\r\n"), "\(head)")
        #expect(head.contains("User-Agent: poster-test\r\n"), "\(head)")
        #expect(server.receivedBodies == [body, body])
        await poster.shutdown()
        await server.close()
    }

    @Test("the status of any complete answer comes back, whatever its framing")
    func statuses() async throws {
        let answers: [(String, Int)] = [
            ("HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbusy\r\n0\r\n\r\n", 503),
            ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200),
            ("HTTP/1.0 400 Bad Request\r\n\r\nno length: ends at the close", 400),
        ]
        for (text, status) in answers {
            let server = try await Self.server { _ in .init(text, close: status == 400) }
            let poster = Self.poster(port: server.port)
            #expect(try await poster.post([1, 2, 3], contentType: "application/x-protobuf", timeout: Self.patience) == status, "\(text.debugDescription)")
            await poster.shutdown()
            await server.close()
        }
    }

    @Test("a connection the collector closed while idle is noticed, and the POST goes on a new one")
    func staleConnection() async throws {
        // Says keep-alive, then closes: the client keeps the connection, which is dead by the next POST.
        let server = try await Self.server { _ in .init(Self.accepted.bytes, close: true) }
        let poster = Self.poster(port: server.port)
        for _ in 0..<3 {
            #expect(try await poster.post([1], contentType: "application/json", timeout: Self.patience) == 202)
        }
        #expect(server.received.count == 3)
        #expect(server.connections == 3)
        await poster.shutdown()
        await server.close()
    }

    @Test("a refused connection fails at once, naming the address")
    func refused() async throws {
        let port = try RefusingPort()
        let poster = Self.poster(port: port.port)
        let started = ContinuousClock.now
        let error = await Self.failure { () throws(SpanPostError) in try await poster.post([1], contentType: "application/json", timeout: .seconds(30)) }
        #expect(ContinuousClock.now - started < .seconds(20))
        guard case .cannotConnect(let host, let refusedPort, _)? = error?.kind else {
            Issue.record("expected cannotConnect, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1" && refusedPort == port.port)
        #expect(error?.description.contains("cannot connect to 127.0.0.1:\(port.port)") == true)
    }

    @Test("no answer within the timeout, a malformed answer, or a cut one fail the POST with the reason")
    func failures() async throws {
        let silent = try await Self.server { _ in .init("") }
        let timedOut = await Self.failure { () throws(SpanPostError) in
            try await Self.poster(port: silent.port).post([1], contentType: "application/json", timeout: .milliseconds(200))
        }
        #expect(timedOut?.kind == .timedOut(.milliseconds(200)), "\(String(describing: timedOut))")
        await silent.close()

        let malformed = try await Self.server { _ in .init("HTTP/1.1 2x0 OK\r\n\r\n") }
        let badAnswer = await Self.failure { () throws(SpanPostError) in
            try await Self.poster(port: malformed.port).post([1], contentType: "application/json", timeout: Self.patience)
        }
        #expect(badAnswer?.description.contains("malformed answer from the collector: malformed status line") == true, "\(String(describing: badAnswer))")
        await malformed.close()

        let cut = try await Self.server { _ in .init("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", close: true) }
        let cutShort = await Self.failure { () throws(SpanPostError) in
            try await Self.poster(port: cut.port).post([1], contentType: "application/json", timeout: Self.patience)
        }
        #expect(cutShort?.kind == .connectionClosed(receivedAny: true), "\(String(describing: cutShort))")
        await cut.close()
    }

    @Test("an https or malformed URL fails each POST without connecting; after shutdown POSTs fail")
    func endpointAndShutdown() async throws {
        let https = HTTP1SpanPoster(endpoint: "https://collector:9411/api/v2/spans", eventLoop: Self.group.next())
        let error = await Self.failure { () throws(SpanPostError) in try await https.post([1], contentType: "application/json", timeout: .seconds(1)) }
        #expect(error?.description.contains("https is not spoken") == true, "\(String(describing: error))")

        let server = try await Self.server { _ in Self.accepted }
        let poster = Self.poster(port: server.port)
        #expect(try await poster.post([1], contentType: "application/json", timeout: Self.patience) == 202)
        await poster.shutdown()
        let after = await Self.failure { () throws(SpanPostError) in try await poster.post([1], contentType: "application/json", timeout: .seconds(1)) }
        #expect(after?.kind == .shutDown)
        await server.close()
    }
}
