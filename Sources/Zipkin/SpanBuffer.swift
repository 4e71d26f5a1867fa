/// A bounded FIFO of spans waiting to be sent, with the counters a reporter exposes.
///
/// Pure bookkeeping, no IO and no locking: the owner (an actor, a lock or an event loop)
/// serialises access. When full, the newest span is dropped and counted, so memory stays
/// bounded whatever the collector does (Envoy's span buffer behaves the same way).
public struct SpanBuffer: Sendable {
    public let capacity: Int
    public let batchSize: Int

    private var spans: [ZipkinSpan]
    private var head = 0

    /// Spans accepted into the buffer.
    public private(set) var accepted: UInt64 = 0
    /// Spans refused because the buffer was full.
    public private(set) var droppedFull: UInt64 = 0

    /// Values below 1 are raised to 1: a flag such as `--queue-capacity 0` must not crash the
    /// proxy (the command line should still refuse it with a message).
    public init(capacity: Int, batchSize: Int) {
        self.capacity = max(1, capacity)
        self.batchSize = max(1, batchSize)
        self.spans = []
        self.spans.reserveCapacity(min(self.capacity, 1024))
    }

    public var count: Int { spans.count - head }
    public var isEmpty: Bool { count == 0 }
    /// Whether a full batch is waiting (the reporter flushes early instead of waiting for its timer).
    public var hasFullBatch: Bool { count >= batchSize }

    /// Adds a span; false (and counted) when the buffer is full.
    @discardableResult
    public mutating func append(_ span: ZipkinSpan) -> Bool {
        guard count < capacity else {
            droppedFull += 1
            return false
        }
        spans.append(span)
        accepted += 1
        return true
    }

    /// Removes and returns up to `batchSize` of the oldest spans.
    public mutating func nextBatch() -> [ZipkinSpan] {
        let end = min(head + batchSize, spans.count)
        let batch = Array(spans[head..<end])
        head = end
        if head == spans.count {
            spans.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 4096 && head * 2 > spans.count {
            spans.removeFirst(head)
            head = 0
        }
        return batch
    }
}
