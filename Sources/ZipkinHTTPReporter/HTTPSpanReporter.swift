import Logging
import ServiceLifecycle
import Synchronization
import Zipkin

/// Sends spans to a Zipkin v2 endpoint (`POST /api/v2/spans`) in batches, off the caller's path,
/// as JSON or proto3 (`configuration.encoding`), or in whatever body `encoder` makes (the lab
/// services' OTLP app spans post to `/v1/traces` this way).
///
/// `report` only appends to a bounded queue (``SpanBatchQueue``) under a lock, so an event
/// loop can call it per request. ``run()`` (a swift-service-lifecycle `Service`) encodes and POSTs batches
/// of `batchSize`, or whatever is queued every `flushInterval`. A slow or dead collector never
/// blocks a request: the queue fills, new spans are dropped and counted, memory stays bounded
/// (Envoy's Zipkin reporter behaves the same way). On graceful shutdown the queue is flushed
/// within `shutdownTimeout`.
public final class HTTPSpanReporter: SpanReporter, Service, Sendable {
    private struct State {
        var reported: UInt64 = 0
        var droppedSending: UInt64 = 0
        var failedBatches: UInt64 = 0
        var lastSendFailed = false
    }

    public var endpoint: String { transport.endpoint }
    public let configuration: HTTPSpanReporterConfiguration
    /// Makes each POST body; `configuration.encoding` unless given.
    public let encoder: any SpanBatchEncoder
    private let transport: any SpanPostTransport
    private let logger: Logger
    private let queue: SpanBatchQueue
    private let state = Mutex(State())

    /// - Parameters:
    ///   - transport: POSTs each body to the endpoint, e.g. an ``HTTP1SpanPoster`` to
    ///     `http://127.0.0.1:9411/api/v2/spans`; owned by the caller (shut it down after this
    ///     service stopped).
    ///   - encoder: the body of each POST; nil uses `configuration.encoding`.
    public init(transport: any SpanPostTransport, configuration: HTTPSpanReporterConfiguration = .init(), encoder: (any SpanBatchEncoder)? = nil,
                logger: Logger) {
        self.configuration = configuration
        self.encoder = encoder ?? configuration.encoding
        self.transport = transport
        var logger = logger
        logger[metadataKey: "zipkin.endpoint"] = .string(transport.endpoint)
        self.logger = logger
        self.queue = SpanBatchQueue(capacity: configuration.queueCapacity, batchSize: configuration.batchSize)
    }

    /// Queues a span; never blocks, never throws. Counted as dropped when the queue is full.
    public func report(_ span: ZipkinSpan) {
        queue.append(span)
    }

    /// Ends ``run()`` as a graceful shutdown does: what is queued is sent, then it returns.
    /// Unlike cancelling it, this never interrupts a batch already on its way.
    public func stop() {
        queue.stop()
    }

    /// The counters now.
    public var statistics: HTTPSpanReporterStatistics {
        let (queued, droppedFull) = queue.counts
        return state.withLock { state in
            HTTPSpanReporterStatistics(
                reported: state.reported,
                dropped: droppedFull + state.droppedSending,
                queued: queued,
                failedBatches: state.failedBatches
            )
        }
    }

    /// Flushes batches until the queue is empty or `runTime` ends; on graceful shutdown
    /// (or cancellation) sends what is left within `shutdownTimeout` and returns.
    public func run() async throws {
        await queue.run(interval: configuration.flushInterval) {
            await self.sendQueued(deadline: nil)
        }
        // Cancelled rather than stopped or shut down gracefully: a POST from a cancelled task
        // fails at once and would drop the queue, so leave it to the owner's `flush()`.
        if Task.isCancelled { return }
        let deadline = ContinuousClock.now.advanced(by: configuration.shutdownTimeout)
        await sendQueued(deadline: deadline)
        let left = queue.removeAll()
        state.withLock { $0.droppedSending += UInt64(left) }
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
            let batch = queue.nextBatch()
            if batch.isEmpty { return }
            var timeout = configuration.requestTimeout
            if let deadline {
                timeout = min(timeout, ContinuousClock.now.duration(to: deadline))
            }
            await send(batch, timeout: timeout)
        }
    }

    private func send(_ batch: [ZipkinSpan], timeout: Duration) async {
        let failure: String?
        do {
            let status = try await transport.post(encoder.encode(batch), contentType: encoder.contentType, timeout: timeout)
            failure = (200..<300).contains(status) ? nil : "collector answered \(status)"
        } catch {
            failure = error.description
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
