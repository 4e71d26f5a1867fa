/// Service-to-service links over a time window (Jaeger's `dependencystore.Reader`,
/// Zipkin's `/dependencies`).
///
/// Contract: links are derived from the traces that have a span in the window
/// `[endTs - lookback, endTs]` (epoch milliseconds) with `DependencyLinker`; the result is
/// sorted by parent then child; an empty array means no calls were seen in the window.
public protocol DependencyReader: Sendable {
    func dependencies(endTs: UInt64, lookback: UInt64) async throws(SpanStoreError) -> [DependencyLink]
}

/// Everything the collector needs from a backend: write, read, dependencies and counters.
public protocol SpanStorage: SpanWriter, SpanReader, DependencyReader {
    /// Counters of what the store holds and what it has evicted.
    func stats() async -> SpanStoreStats
}

/// What a store holds and what it let go.
public struct SpanStoreStats: Codable, Hashable, Sendable {
    /// Spans currently stored (after merging duplicates).
    public var spans: Int
    /// Traces currently stored.
    public var traces: Int
    /// Traces removed to stay under the span limit.
    public var evictedTraces: Int
    /// Spans removed with those traces.
    public var evictedSpans: Int
    /// Traces removed because they were older than the retention.
    public var expiredTraces: Int

    public init(spans: Int = 0, traces: Int = 0, evictedTraces: Int = 0, evictedSpans: Int = 0, expiredTraces: Int = 0) {
        self.spans = spans
        self.traces = traces
        self.evictedTraces = evictedTraces
        self.evictedSpans = evictedSpans
        self.expiredTraces = expiredTraces
    }
}
