import AsyncHTTPClient
import Collector
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SpanFormats
import SpanStore
import Synchronization
import TraceContext
import Zipkin

/// Loopback benchmark of the collector (issue 6): ingest spans/s over HTTP in batches — Zipkin
/// v2 JSON, Zipkin proto3 and OTLP protobuf, the same spans in each (issue 23) —
/// `GET /api/v2/trace/{id}` latency with a full store, and resident memory per stored span.
///
/// The collector runs in this process on 127.0.0.1:0 and the client is AsyncHTTPClient, so
/// both share the machine's cores; spans look like Envoy 1.40's (four spans per bookinfo
/// hop pair, fifteen string tags, one annotation).
struct CollectorBenchmark {
    /// Which collector the benchmark measures.
    enum Target {
        /// One started in this process with this storage.
        case inProcess(CollectorConfiguration.Storage)
        /// One already running at this base URL (for example pinned to one core with taskset).
        case external(baseURL: String)
    }

    struct Options {
        var target: Target
        var ingestSpans: Int
        var storedSpans: Int
        var batchSize: Int
        var concurrency: Int
        var queries: Int
    }

    /// The ingest bodies measured, in the order they run.
    enum IngestFormat: String, CaseIterable, Codable {
        case json = "zipkin-json"
        case proto3 = "zipkin-proto3"
        case otlp = "otlp-protobuf"

        var path: String { self == .otlp ? "/v1/traces" : "/api/v2/spans" }
        var contentType: String { self == .json ? "application/json" : "application/x-protobuf" }
        /// Zipkin's ingest answers 202, OTLP/HTTP 200 with an `ExportTraceServiceResponse`.
        var acceptedStatus: UInt { self == .otlp ? 200 : 202 }
        /// Each format's spans get their own trace ids (this high half), so every format
        /// inserts new spans instead of merging into the ones the previous format stored.
        var traceIDHigh: UInt64 {
            switch self {
            case .json: 0x7e1a_b000_0000_0000
            case .proto3: 0x7e1a_b000_0000_0001
            case .otlp: 0x7e1a_b000_0000_0002
            }
        }

        func encode(_ spans: [ZipkinSpan]) -> [UInt8] {
            switch self {
            case .json: ZipkinJSONEncoder().encode(spans)
            case .proto3: ZipkinProto3Encoder().encode(spans)
            case .otlp: OTLPExportEncoder().encode(spans)
            }
        }
    }

    /// One format's ingest figure.
    struct IngestFigure: Codable {
        var format: IngestFormat
        var spans: Int
        var seconds: Double
        var spansPerSecond: Double
        /// Average body size of one batch.
        var bytesPerBatch: Int
    }

    struct Report: Codable {
        var storage: String
        /// The Zipkin JSON figure (kept at the top level for existing readers of the JSON).
        var ingestSpans: Int
        var ingestSeconds: Double
        var spansPerSecond: Double
        /// Every format's figure, JSON first.
        var ingest: [IngestFigure]
        var storedSpans: Int
        var fillSpansPerSecond: Double
        var traceQueryP50Milliseconds: Double
        var traceQueryP99Milliseconds: Double
        var residentBytesPerSpan: Double?
    }

    let options: Options
    let logger: Logger

    /// How many turns the formats take at ingest (each posts a fifth of its batches per turn).
    static let ingestRounds = 5

    func run() async throws -> Report {
        switch options.target {
        case .inProcess(let storage): try await runInProcess(storage: storage)
        case .external(let baseURL): try await runExternal(baseURL: baseURL)
        }
    }

    private func runExternal(baseURL: String) async throws -> Report {
        try await measure(base: baseURL, storage: "external", stats: {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: baseURL + "/api/tracelab/stats"), timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .ok else { throw BenchmarkError("GET \(baseURL)/api/tracelab/stats answered \(response.status.code)") }
            return try JSONDecoder().decode(SpanStoreStats.self, from: Data(body.readableBytesView))
        }, memoryPerSpan: { _ in nil })
    }

    private func runInProcess(storage: CollectorConfiguration.Storage) async throws -> Report {
        let baseline = Self.residentBytes()
        let store = try makeSpanStore(configuration: CollectorConfiguration(
            storage: storage, maxSpans: options.storedSpans + IngestFormat.allCases.count * options.ingestSpans + 10))
        let port = Mutex<Int?>(nil)
        let ready = AsyncStream<Void>.makeStream()
        let app = buildCollectorApplication(
            configuration: CollectorConfiguration(port: 0, storage: storage, maxBodyBytes: 64 << 20),
            store: store, logger: logger,
            onServerRunning: { channel in
                port.withLock { $0 = channel.localAddress?.port }
                ready.continuation.yield()
            }
        )
        let group = ServiceGroup(services: [app], logger: logger)
        async let serving: Void = group.run()
        for await _ in ready.stream { break }
        guard let bound = port.withLock({ $0 }) else { throw BenchmarkError("the collector did not report its port") }
        defer { Task { await group.triggerGracefulShutdown() } }
        let report = try await measure(base: "http://127.0.0.1:\(bound)", storage: storage.description.hasPrefix("sqlite") ? "sqlite" : "memory", stats: { await store.stats() }, memoryPerSpan: { stats in
            guard case .memory = storage, let baseline, let resident = Self.residentBytes(), stats.spans > 0 else { return nil }
            return Double(resident - baseline) / Double(stats.spans)
        })
        await group.triggerGracefulShutdown()
        try await serving
        return report
    }

    /// Ingest, fill and lookups against the collector at `base`; `memoryPerSpan` is asked right
    /// after the fill, before the lookups allocate anything.
    private func measure(
        base: String, storage: String, stats: () async throws -> SpanStoreStats, memoryPerSpan: (SpanStoreStats) -> Double?
    ) async throws -> Report {
        let url = base + "/api/v2/spans"

        // Ingest into the same collector, pre-encoded batches, so the figure is the collector's
        // and not the encoder's. The formats take turns in rounds: a growing store (and a
        // neighbour on a shared machine) then slows each format alike, where one format after
        // the other measured the last one against the biggest store.
        let batchCount = max(1, options.ingestSpans / options.batchSize)
        let formats = IngestFormat.allCases
        var seconds = Array(repeating: 0.0, count: formats.count)
        var bodyBytes = Array(repeating: 0, count: formats.count)
        for round in 0..<Self.ingestRounds {
            let first = round * batchCount / Self.ingestRounds, end = (round + 1) * batchCount / Self.ingestRounds
            for (index, format) in formats.enumerated() where end > first {
                let batches = (first..<end).map {
                    ByteBuffer(bytes: format.encode(Self.spans(batch: $0, size: options.batchSize, traceIDHigh: format.traceIDHigh)))
                }
                let timing = try await post(batches: { batches[$0] }, count: batches.count, url: base + format.path, format: format)
                seconds[index] += timing.seconds
                bodyBytes[index] += batches.reduce(0) { $0 + $1.readableBytes }
            }
        }
        let figures = formats.indices.map { index in
            IngestFigure(
                format: formats[index], spans: batchCount * options.batchSize, seconds: seconds[index],
                spansPerSecond: Double(batchCount * options.batchSize) / seconds[index],
                bytesPerBatch: bodyBytes[index] / batchCount
            )
        }
        let ingest = figures[0]

        // Fill to the stored size, encoding as we go (not timed as ingest).
        let fillBatches = max(0, (options.storedSpans - figures.count * batchCount * options.batchSize) / options.batchSize)
        let fill = try await post(
            batches: { ByteBuffer(bytes: ZipkinJSONEncoder().encode(Self.spans(batch: batchCount + $0, size: options.batchSize))) },
            count: fillBatches, url: url, format: .json)
        let stats = try await stats()
        let perSpan = memoryPerSpan(stats)

        // Trace lookups by id, one at a time, random among stored traces.
        var generator = SystemRandomNumberGenerator()
        let tracesStored = (batchCount + fillBatches) * options.batchSize / 4
        var latencies: [Double] = []
        latencies.reserveCapacity(options.queries)
        let clock = ContinuousClock()
        for _ in 0..<options.queries {
            let trace = Int.random(in: 0..<max(1, tracesStored), using: &generator)
            let request = HTTPClientRequest(url: "\(base)/api/v2/trace/\(Self.traceID(trace).hex)")
            let start = clock.now
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 16 << 20)
            let elapsed = clock.now - start
            guard response.status == .ok else { throw BenchmarkError("GET trace answered \(response.status.code)") }
            latencies.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        }
        latencies.sort()
        return Report(
            storage: storage,
            ingestSpans: ingest.spans, ingestSeconds: ingest.seconds, spansPerSecond: ingest.spansPerSecond, ingest: figures,
            storedSpans: stats.spans,
            fillSpansPerSecond: fillBatches == 0 ? 0 : Double(fillBatches * options.batchSize) / fill.seconds,
            traceQueryP50Milliseconds: Self.percentile(latencies, 0.50),
            traceQueryP99Milliseconds: Self.percentile(latencies, 0.99),
            residentBytesPerSpan: perSpan
        )
    }

    private func post(
        batches: @escaping @Sendable (Int) -> ByteBuffer, count: Int, url: String, format: IngestFormat
    ) async throws -> (seconds: Double, Void) {
        let next = BatchCounter()
        let start = ContinuousClock.now
        let concurrency = options.concurrency
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while true {
                        let index = next.value.wrappingAdd(1, ordering: .relaxed).oldValue
                        guard index < count else { return }
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: format.contentType)
                        request.body = .bytes(batches(index))
                        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        guard response.status.code == format.acceptedStatus else {
                            throw BenchmarkError("POST \(format.rawValue) spans to \(url) answered \(response.status.code)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - start
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, ())
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((Double(sorted.count) * p).rounded(.up)) - 1
        return sorted[min(sorted.count - 1, max(0, rank))]
    }

    static func traceID(_ index: Int, high: UInt64 = IngestFormat.json.traceIDHigh) -> TraceID {
        TraceID(high: high, low: UInt64(index) &+ 1) ?? TraceID(low: 1)!
    }

    /// `size` spans, four per trace, shaped like Envoy 1.40's bookinfo spans.
    static func spans(batch: Int, size: Int, traceIDHigh: UInt64 = IngestFormat.json.traceIDHigh) -> [ZipkinSpan] {
        var spans: [ZipkinSpan] = []
        spans.reserveCapacity(size)
        let base: UInt64 = UInt64(Date().timeIntervalSince1970 * 1_000_000)
        for offset in 0..<(size / 4) {
            let index = batch * (size / 4) + offset
            let trace = traceID(index, high: traceIDHigh)
            let root = SpanID(UInt64(index) << 4 | 1) ?? SpanID(1)!
            let call = SpanID(UInt64(index) << 4 | 2) ?? SpanID(2)!
            let leaf = SpanID(UInt64(index) << 4 | 3) ?? SpanID(3)!
            let requestID = "bdd4576b-d3f7-95f9-938f-\(String(index, radix: 16).leftPadded(to: 12))"
            func tags(_ node: String, _ cluster: String) -> ZipkinTags {
                ["response_flags": "-", "guid:x-request-id": requestID, "node_id": node, "http.status_code": "200",
                 "http.url": "http://\(cluster):9080/\(cluster)/0", "upstream_cluster": "outbound|9080||\(cluster)",
                 "upstream_cluster.name": cluster, "peer.address": "127.0.0.1", "http.method": "GET",
                 "user_agent": "curl/7.88.1", "response_size": "503", "component": "proxy", "downstream_cluster": "-",
                 "http.protocol": "HTTP/1.1", "request_size": "0"]
            }
            let start = base + UInt64(offset) * 100
            spans.append(ZipkinSpan(traceID: trace, id: root, name: "productpage:9080/*", kind: .server, timestamp: start, duration: 20_000,
                                    localEndpoint: ZipkinEndpoint(serviceName: "productpage", ipv4: "10.0.0.1"),
                                    annotations: [ZipkinAnnotation(timestamp: start + 19_000, value: "ss")],
                                    tags: tags("productpage-v1", "productpage"), shared: true))
            spans.append(ZipkinSpan(traceID: trace, id: call, parentID: root, name: "reviews:9080/*", kind: .client, timestamp: start + 1_000, duration: 15_000,
                                    localEndpoint: ZipkinEndpoint(serviceName: "productpage", ipv4: "10.0.0.1"),
                                    remoteEndpoint: ZipkinEndpoint(serviceName: "reviews"), tags: tags("productpage-v1", "reviews")))
            spans.append(ZipkinSpan(traceID: trace, id: call, parentID: root, name: "reviews:9080/*", kind: .server, timestamp: start + 1_200, duration: 14_000,
                                    localEndpoint: ZipkinEndpoint(serviceName: "reviews", ipv4: "10.0.0.2"),
                                    tags: tags("reviews-v2", "reviews"), shared: true))
            spans.append(ZipkinSpan(traceID: trace, id: leaf, parentID: call, name: "ratings:9080/*", kind: .client, timestamp: start + 2_000, duration: 9_000,
                                    localEndpoint: ZipkinEndpoint(serviceName: "reviews", ipv4: "10.0.0.2"),
                                    remoteEndpoint: ZipkinEndpoint(serviceName: "ratings"), tags: tags("reviews-v2", "ratings")))
        }
        return spans
    }

    /// Resident set size from /proc/self/statm (Linux); nil elsewhere.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// The next batch to post, shared by the posting tasks.
final class BatchCounter: Sendable {
    let value = Atomic<Int>(0)
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
