import AsyncHTTPClient
import Collector
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Proxy
import ProxyCore
import ServiceLifecycle
import SpanStore
import Synchronization
import Testing
import TestSupport
import TraceContext
import Zipkin
import ZipkinHTTPReporter

/// `--zipkin-encoding proto3` against the real collector (its proto3 ingest, read back through
/// its query API) and `--span-log`, with and without a collector: the two sidecar reporters
/// of issue 23, end to end on 127.0.0.1 with OS-chosen ports.
@Suite("Sidecar span reporters: proto3 and span log")
struct SpanReportersIntegrationTests {
    static let traceID = "463ac35c9f6413ad48485a3953bb6124"

    /// A collector on a memory store at 127.0.0.1:0, served until `body` returns.
    static func withCollector(_ body: (_ baseURL: String) async throws -> Void) async throws {
        var logger = Logger(label: "collector-test")
        logger.logLevel = .critical
        let port = Mutex<Int?>(nil)
        let (ready, readyContinuation) = AsyncStream<Void>.makeStream()
        let app = buildCollectorApplication(
            configuration: CollectorConfiguration(port: 0), store: MemorySpanStore(), logger: logger,
            onServerRunning: { channel in
                port.withLock { $0 = channel.localAddress?.port }
                readyContinuation.yield()
                readyContinuation.finish()
            }
        )
        let group = ServiceGroup(services: [app], logger: logger)
        let serving = Task { try await group.run() }
        for await _ in ready { break }
        let bound = try #require(port.withLock { $0 })
        do {
            try await body("http://127.0.0.1:\(bound)")
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await serving.value
            throw error
        }
        await group.triggerGracefulShutdown()
        try await serving.value
    }

    /// A proxy in front of a test app; sends `requests` inbound requests of one trace, then
    /// shuts the proxy down (which flushes both reporters) and returns its `/stats` document.
    static func runProxy(zipkin: String?, encoding: ZipkinEncoding, spanLog: String?, requests: Int) async throws -> [String: [String: Any]] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let app = try await TestHTTPServer(group: group) { _ in .reply(status: .ok, headers: [], body: "hello") }
        let settings = ProxySettings(
            service: "reviews", nodeID: "reviews-v2", inbound: HostPort(host: "127.0.0.1", port: 0),
            app: HostPort(host: "127.0.0.1", port: app.port), zipkin: zipkin, zipkinEncoding: encoding, spanLog: spanLog
        )
        var logger = Logger(label: "proxy-test")
        logger.logLevel = .critical
        let proxy = ProxyServer(configuration: ProxyConfiguration(
            settings: settings,
            reporter: HTTPSpanReporterConfiguration(batchSize: 2, flushInterval: .milliseconds(20), requestTimeout: .seconds(5), shutdownTimeout: .seconds(5))
        ), logger: logger)
        let client = HTTPClient(eventLoopGroup: group)
        do {
            let addresses = try await proxy.start()
            let runTask = Task { try await proxy.run() }
            for index in 0..<requests {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(addresses.inbound.port)/reviews/\(index)")
                request.headers.add(name: "x-b3-traceid", value: traceID)
                request.headers.add(name: "x-b3-spanid", value: String(format: "%016x", 0x100 + index))
                request.headers.add(name: "x-b3-sampled", value: "1")
                let response = try await client.execute(request, timeout: .seconds(10))
                _ = try await response.body.collect(upTo: 1 << 20)
                #expect(response.status == .ok)
            }
            proxy.triggerShutdown()
            try await runTask.value
        } catch {
            proxy.triggerShutdown()
            try? await client.shutdown()
            await app.close()
            try? await group.shutdownGracefully()
            throw error
        }
        try await client.shutdown()
        await app.close()
        try await group.shutdownGracefully()
        let stats = ProxyStatsDocument.json(runtime: proxy.runtime)
        return try #require(try JSONSerialization.jsonObject(with: Data(stats.utf8)) as? [String: [String: Any]])
    }

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tracelab-span-log-\(UUID().uuidString).jsonl").path
    }

    static func logLines(_ path: String) throws -> [ZipkinSpan] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"), "every line ends")
        return try text.split(separator: "\n").map { line in try ZipkinJSONDecoder().decodeSpan(Array(line.utf8)) }
    }

    @Test("proto3 to the real collector: the spans are readable through GET /api/v2/trace/{id}, and logged too")
    func proto3ToCollector() async throws {
        let logPath = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        try await Self.withCollector { base in
            let stats = try await Self.runProxy(zipkin: base + "/api/v2/spans", encoding: .proto3, spanLog: logPath, requests: 3)
            #expect(stats["spans"]?["encoding"] as? String == "proto3")
            #expect(stats["spans"]?["reported"] as? Int == 3)
            #expect(stats["spans"]?["failedBatches"] as? Int == 0)
            #expect(stats["spanLog"]?["written"] as? Int == 3)
            #expect(stats["spanLog"]?["writeErrors"] as? Int == 0)

            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(base)/api/v2/trace/\(Self.traceID)"), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            #expect(response.status == .ok)
            let stored = try ZipkinJSONDecoder().decodeSpans(Array(body.readableBytesView))
            #expect(stored.count == 3)
            for span in stored {
                #expect(span.traceID.hex == Self.traceID)
                #expect(span.kind == .server && span.shared)
                #expect(span.localServiceName == "reviews")
                #expect(span.tags["node_id"] == "reviews-v2")
                #expect(span.tags["http.status_code"] == "200")
                #expect((span.duration ?? 0) > 0 && (span.timestamp ?? 0) > 0)
            }
            // The log holds the same spans, one parseable JSON object per line.
            let logged = try Self.logLines(logPath)
            #expect(Set(logged) == Set(stored))
        }
    }

    @Test("--span-log without --zipkin: one JSON line per span, appended to what the file held")
    func spanLogAlone() async throws {
        let logPath = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        let earlier = #"{"traceId":"0000000000000001","id":"0000000000000001"}"# + "\n"
        try earlier.write(toFile: logPath, atomically: false, encoding: .utf8)
        let stats = try await Self.runProxy(zipkin: nil, encoding: .json, spanLog: logPath, requests: 5)
        #expect(stats["spanLog"]?["written"] as? Int == 5)
        #expect(stats["spans"]?["reported"] as? Int == 0)
        let lines = try Self.logLines(logPath)
        #expect(lines.count == 6)
        #expect(lines.first?.traceID.hex == "0000000000000001", "appended, not truncated")
        #expect(lines.dropFirst().allSatisfy { $0.traceID.hex == Self.traceID && $0.localServiceName == "reviews" })
        #expect(Set(lines.dropFirst().map(\.id)).count == 5)
    }

    @Test("a span log this user cannot write stops the start, naming the file")
    func unwritableSpanLog() async throws {
        let path = "/nonexistent-\(UUID().uuidString)/spans.jsonl"
        let settings = ProxySettings(
            service: "reviews", inbound: HostPort(host: "127.0.0.1", port: 0), app: HostPort(host: "127.0.0.1", port: 1), spanLog: path
        )
        let proxy = ProxyServer(configuration: ProxyConfiguration(settings: settings), logger: Logger(label: "proxy-test"))
        let error = try await #require(throws: SpanLogError.self) { try await proxy.start() }
        #expect(error.description.contains(path) && error.description.contains("No such file or directory"))
    }

    @Test("flag values: --zipkin-encoding json or proto3, --span-log a file path")
    func flagValues() throws {
        #expect(try ProxySettings.zipkinEncoding(parsing: "proto3") == .proto3)
        #expect(try ProxySettings.zipkinEncoding(parsing: "JSON") == .json)
        let error = try #require(throws: ProxyConfigurationError.self) { try ProxySettings.zipkinEncoding(parsing: "thrift") }
        #expect(error.description.contains("'thrift'") && error.description.contains("json") && error.description.contains("proto3"))
        #expect(throws: ProxyConfigurationError.self) { try ProxySettings.validateSpanLog("") }
        #expect(throws: ProxyConfigurationError.self) { try ProxySettings.validateSpanLog("/tmp/") }
        try ProxySettings.validateSpanLog("/tmp/spans.jsonl")
        try ProxySettings.validateSpanLog(nil)
    }
}
