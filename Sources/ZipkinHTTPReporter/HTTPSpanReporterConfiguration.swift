import Zipkin

/// Knobs of ``HTTPSpanReporter``: how big a batch is, how long spans may wait, how many
/// may wait at most (the memory bound when the collector is slow or down), and the body's
/// encoding. ``SpanLogReporter`` batches by the same knobs.
public struct HTTPSpanReporterConfiguration: Sendable, Hashable {
    /// Spans per POST. A full batch is sent at once instead of waiting for the timer.
    public var batchSize: Int
    /// The longest a span waits before it is sent.
    public var flushInterval: Duration
    /// Spans kept while waiting; beyond it new spans are dropped and counted.
    public var queueCapacity: Int
    /// Time one POST may take before it counts as failed (its spans are dropped).
    public var requestTimeout: Duration
    /// Time the final flush of a graceful shutdown may take; what is left then is dropped.
    public var shutdownTimeout: Duration
    /// The body of each POST: Zipkin v2 JSON or proto3 (`--zipkin-encoding`).
    public var encoding: ZipkinEncoding

    public init(
        batchSize: Int = 100,
        flushInterval: Duration = .milliseconds(500),
        queueCapacity: Int = 10_000,
        requestTimeout: Duration = .seconds(2),
        shutdownTimeout: Duration = .seconds(3),
        encoding: ZipkinEncoding = .json
    ) {
        self.batchSize = max(1, batchSize)
        self.flushInterval = flushInterval > .zero ? flushInterval : .milliseconds(1)
        self.queueCapacity = max(1, queueCapacity)
        self.requestTimeout = requestTimeout
        self.shutdownTimeout = shutdownTimeout
        self.encoding = encoding
    }
}
