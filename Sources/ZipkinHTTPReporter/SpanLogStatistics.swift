/// A snapshot of ``SpanLogReporter``'s counters (the proxy's `/stats` `spanLog` object).
public struct SpanLogStatistics: Sendable, Hashable, Codable {
    /// Spans written to the file.
    public var written: UInt64
    /// Spans lost: queue full, or their batch's write failed.
    public var dropped: UInt64
    /// Spans waiting to be written now.
    public var queued: UInt64
    /// Batches whose write failed (disk full, file system gone read-only, …).
    public var writeErrors: UInt64

    public init(written: UInt64 = 0, dropped: UInt64 = 0, queued: UInt64 = 0, writeErrors: UInt64 = 0) {
        self.written = written
        self.dropped = dropped
        self.queued = queued
        self.writeErrors = writeErrors
    }
}
