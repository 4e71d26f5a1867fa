import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Proxy
import ProxyCore
import TestSupport
import ZipkinHTTPReporter

/// Starts, in process and on 127.0.0.1 port 0: an app, optional extra upstreams, a Zipkin
/// sink and a proxy between them; stops all of it in `shutdown()`.
struct ProxyHarness {
    let group: MultiThreadedEventLoopGroup
    let app: TestHTTPServer
    let sink: ZipkinSink
    let proxy: ProxyServer
    let addresses: ProxyAddresses
    let client: HTTPClient
    let runTask: Task<Void, any Error>

    static func start(
        service: String = "productpage",
        routes: @Sendable (ZipkinSink) -> [String: Route] = { _ in [:] },
        zipkin: String?? = .none,
        sampling: Double = 1.0,
        propagation: [PropagationFormatName] = [.b3multi, .b3single, .w3c],
        seed: UInt64? = 42,
        requestHeadTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(300), maxConnections: Int = 4096,
        appAnswer: @escaping @Sendable (TestHTTPServer.Request) -> TestHTTPServer.Answer = { _ in .reply(status: .ok, headers: [("content-type", "text/plain")], body: "hello from the app") }
    ) async throws -> ProxyHarness {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let app = try await TestHTTPServer(group: group, respond: appAnswer)
        let sink = try await ZipkinSink(group: group)
        let zipkinURL: String? = switch zipkin {
        case .none: sink.url
        case .some(let value): value
        }
        let settings = ProxySettings(
            service: service, nodeID: "\(service)-v1", inbound: HostPort(host: "127.0.0.1", port: 0),
            app: HostPort(host: "127.0.0.1", port: app.port), outbound: HostPort(host: "127.0.0.1", port: 0),
            zipkin: zipkinURL, sampling: sampling, propagation: propagation, routes: routes(sink)
        )
        var logger = Logger(label: "proxy-test")
        logger.logLevel = .critical
        let configuration = ProxyConfiguration(
            settings: settings, admin: HostPort(host: "127.0.0.1", port: 0),
            reporter: HTTPSpanReporterConfiguration(batchSize: 10, flushInterval: .milliseconds(20), queueCapacity: 1000, requestTimeout: .milliseconds(500), shutdownTimeout: .seconds(1)),
            routingSeed: seed, appTimeout: .seconds(5), connectTimeout: .milliseconds(500), drainTimeout: .seconds(2),
            requestHeadTimeout: requestHeadTimeout, idleTimeout: idleTimeout, maxConnections: maxConnections
        )
        let proxy = ProxyServer(configuration: configuration, logger: logger)
        let addresses = try await proxy.start()
        let runTask = Task { try await proxy.run() }
        let client = HTTPClient(eventLoopGroup: group)
        return ProxyHarness(group: group, app: app, sink: sink, proxy: proxy, addresses: addresses, client: client, runTask: runTask)
    }

    var inboundURL: String { "http://127.0.0.1:\(addresses.inbound.port)" }
    var outboundURL: String { "http://127.0.0.1:\(addresses.outbound?.port ?? 0)" }
    var adminURL: String { "http://127.0.0.1:\(addresses.admin?.port ?? 0)" }

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: String
    }

    func send(_ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 8 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    /// Runs `body`, then shuts the harness down whether or not it threw: a harness dropped
    /// without `shutdown()` trips AsyncHTTPClient's deinit check and crashes the whole test run.
    func shuttingDown<T>(after body: () async throws -> T) async throws -> T {
        do {
            let value = try await body()
            await shutdown()
            return value
        } catch {
            await shutdown()
            throw error
        }
    }

    func shutdown() async {
        proxy.triggerShutdown()
        _ = try? await runTask.value
        try? await client.shutdown()
        await app.close()
        await sink.server.close()
        try? await group.shutdownGracefully()
    }
}
