/// A snapshot of ``HTTPSpanReporter``'s counters (the proxy's `/stats` `spans` object).
public struct HTTPSpanReporterStatistics: Sendable, Hashable, Codable {
    /// Spans the collector accepted (2xx).
    public var reported: UInt64
    /// Spans lost: queue full, failed or timed-out POSTs, or left over at shutdown.
    public var dropped: UInt64
    /// Spans waiting to be sent now.
    public var queued: UInt64
    /// POSTs that failed (connection error, timeout or non-2xx status).
    public var failedBatches: UInt64

    public init(reported: UInt64 = 0, dropped: UInt64 = 0, queued: UInt64 = 0, failedBatches: UInt64 = 0) {
        self.reported = reported
        self.dropped = dropped
        self.queued = queued
        self.failedBatches = failedBatches
    }
}
