import AsyncHTTPClient
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Zipkin

/// Sends spans to a Zipkin v2 endpoint (`POST /api/v2/spans`) in batches, off the caller's path.
///
/// `report` only appends to a bounded ``SpanBuffer`` under a lock, so an event loop can call
/// it per request. ``run()`` (a swift-service-lifecycle `Service`) encodes and POSTs batches
/// of `batchSize`, or whatever is queued every `flushInterval`. A slow or dead collector never
/// blocks a request: the queue fills, new spans are dropped and counted, memory stays bounded
/// (Envoy's Zipkin reporter behaves the same way). On graceful shutdown the queue is flushed
/// within `shutdownTimeout`.
public final class HTTPSpanReporter: SpanReporter, Service, Sendable {
    private struct State: ~Copyable {
        var buffer: SpanBuffer
        var reported: UInt64 = 0
        var droppedSending: UInt64 = 0
        var failedBatches: UInt64 = 0
        var lastSendFailed = false
        var wakeup: AsyncStream<Void>.Continuation?
    }

    public let endpoint: String
    public let configuration: HTTPSpanReporterConfiguration
    private let httpClient: HTTPClient
    private let logger: Logger
    private let encoder = ZipkinJSONEncoder()
    private let state: Mutex<State>

    /// - Parameters:
    ///   - endpoint: the full POST URL, e.g. `http://127.0.0.1:9411/api/v2/spans`.
    ///   - httpClient: owned by the caller (shut it down after this service stopped).
    public init(endpoint: String, configuration: HTTPSpanReporterConfiguration = .init(), httpClient: HTTPClient, logger: Logger) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.httpClient = httpClient
        var logger = logger
        logger[metadataKey: "zipkin.endpoint"] = .string(endpoint)
        self.logger = logger
        self.state = Mutex(State(buffer: SpanBuffer(capacity: configuration.queueCapacity, batchSize: configuration.batchSize)))
    }

    /// Queues a span; never blocks, never throws. Counted as dropped when the queue is full.
    public func report(_ span: ZipkinSpan) {
        let wakeup: AsyncStream<Void>.Continuation? = state.withLock { state in
            guard state.buffer.append(span) else { return nil }
            return state.buffer.count == state.buffer.batchSize ? state.wakeup : nil
        }
        wakeup?.yield()
    }

    /// The counters now.
    public var statistics: HTTPSpanReporterStatistics {
        state.withLock { state in
            HTTPSpanReporterStatistics(
                reported: state.reported,
                dropped: state.buffer.droppedFull + state.droppedSending,
                queued: UInt64(state.buffer.count),
                failedBatches: state.failedBatches
            )
        }
    }

    /// Flushes batches until the queue is empty or `runTime` ends; on graceful shutdown
    /// (or cancellation) sends what is left within `shutdownTimeout` and returns.
    public func run() async throws {
        let (wakeups, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        state.withLock { $0.wakeup = continuation }
        let interval = configuration.flushInterval
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        do {
                            try await Task.sleep(for: interval)
                        } catch {
                            return
                        }
                        continuation.yield()
                    }
                }
                for await _ in wakeups {
                    await self.sendQueued(deadline: nil)
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        state.withLock { $0.wakeup = nil }
        let deadline = ContinuousClock.now.advanced(by: configuration.shutdownTimeout)
        await sendQueued(deadline: deadline)
        let left = state.withLock { state -> Int in
            var left = 0
            while !state.buffer.isEmpty {
                let batch = state.buffer.nextBatch()
                left += batch.count
                state.droppedSending += UInt64(batch.count)
            }
            return left
        }
        if left > 0 {
            logger.warning("spans dropped at shutdown: the collector did not take them in time", metadata: ["spans": "\(left)"])
        }
    }

    /// Sends everything queued now (tests and shutdown paths use it; `run` does it on its timer).
    public func flush() async {
        await sendQueued(deadline: ContinuousClock.now.advanced(by: configuration.shutdownTimeout))
    }

    private func sendQueued(deadline: ContinuousClock.Instant?) async {
        while true {
            if let deadline, ContinuousClock.now >= deadline { return }
            let batch = state.withLock { $0.buffer.nextBatch() }
            if batch.isEmpty { return }
            var timeout = configuration.requestTimeout
            if let deadline {
                timeout = min(timeout, ContinuousClock.now.duration(to: deadline))
            }
            await send(batch, timeout: timeout)
        }
    }

    private func send(_ batch: [ZipkinSpan], timeout: Duration) async {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: encoder.encode(batch)))
        let failure: String?
        do {
            let response = try await httpClient.execute(request, timeout: .init(timeout))
            // Drain the body so the connection returns to the pool.
            _ = try await response.body.collect(upTo: 1 << 20)
            failure = (200..<300).contains(response.status.code) ? nil : "collector answered \(response.status.code)"
        } catch {
            failure = "\(error)"
        }
        let firstFailure: Bool = state.withLock { state in
            if failure == nil {
                state.reported += UInt64(batch.count)
                let recovered = state.lastSendFailed
                state.lastSendFailed = false
                return recovered
            }
            state.failedBatches += 1
            state.droppedSending += UInt64(batch.count)
            defer { state.lastSendFailed = true }
            return !state.lastSendFailed
        }
        // Log transitions only, so a dead collector does not flood the log.
        if let failure {
            if firstFailure {
                logger.warning("cannot report spans; dropping them until the collector answers", metadata: ["error": "\(failure)", "spans": "\(batch.count)"])
            } else {
                logger.debug("span batch dropped", metadata: ["error": "\(failure)", "spans": "\(batch.count)"])
            }
        } else if firstFailure {
            logger.info("collector answers again; spans are reported")
        }
    }
}
