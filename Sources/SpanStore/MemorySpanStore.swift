import Foundation
import TraceContext
import Zipkin

/// An in-memory `SpanStorage`, bounded by a span count and an optional retention.
///
/// When a write takes the store over `maxSpans`, whole traces are evicted, the trace seen
/// first goes first, and counted in `stats()`. Traces whose newest span is older than
/// `retention` are dropped on the next write or `expire()`. Each span is kept as its Zipkin JSON
/// plus the fields queries filter on (`CompactSpan`), the JSON packed in slabs (`SpanByteArena`),
/// well under a decoded span's size; reads
/// decode only the traces they return. Spans are merged on write, so a
/// duplicate report costs no memory.
///
/// Queries scan the traces, skipping whole traces outside the time window, except an
/// x-request-id term (`annotationQuery=guid:x-request-id=…`), which an index answers: the
/// verdict endpoint asks for a request's other traces on every call, and a big store must not
/// make that a scan of every span. `node_id` terms are judged on the kept fields too.
public actor MemorySpanStore: SpanStorage {
    private struct Entry {
        var spans: [CompactSpan]
        /// Latest span timestamp (µs), for ordering and retention.
        var latest: UInt64
        /// Earliest span timestamp (µs), so a query skips traces that begin after its window.
        var earliest: UInt64
    }

    public let maxSpans: Int
    /// Microseconds; nil keeps traces until evicted by `maxSpans`.
    public let retention: UInt64?
    private let now: @Sendable () -> UInt64

    private var traces: [TraceID: Entry] = [:]
    /// Trace ids in first-seen order; `head` skips the evicted prefix without shifting.
    private var order: [TraceID] = []
    private var head = 0
    private var spanCount = 0
    private var counters = SpanStoreStats()
    private var spanNamesByService: [String: Set<String>] = [:]
    private var remoteNamesByService: [String: Set<String>] = [:]
    private var names = NameInterner()
    private var scratch: [UInt8] = []
    private var arena = SpanByteArena()
    /// `CompactSpan.requestKey` → traces holding a span with that x-request-id.
    private var requestIndex: [UInt64: [TraceID]] = [:]
    /// Keys shared by more than `maxTracesPerRequestID` traces (a client sending one fixed
    /// x-request-id): no longer indexed, so writes and evictions stay cheap; queries scan.
    private var unindexedRequestKeys: Set<UInt64> = []
    static let maxTracesPerRequestID = 256

    /// - Parameters:
    ///   - maxSpans: upper bound of stored spans (at least 1).
    ///   - retention: how long, in microseconds, a trace is kept after its newest span.
    ///   - now: the clock in epoch microseconds, injected so tests control expiry.
    public init(maxSpans: Int = 1_000_000, retention: UInt64? = nil, now: @escaping @Sendable () -> UInt64 = SystemClockMicros.now) {
        self.maxSpans = max(1, maxSpans)
        self.retention = retention
        self.now = now
    }

    public func write(_ spans: [ZipkinSpan]) throws(SpanStoreError) {
        try write(spans, receivedJSON: nil)
    }

    public func write(_ spans: [ZipkinSpan], receivedJSON: [ArraySlice<UInt8>]) throws(SpanStoreError) {
        precondition(receivedJSON.count == spans.count, "one received JSON object per span")
        try write(spans, receivedJSON: Optional(receivedJSON))
    }

    private func write(_ spans: [ZipkinSpan], receivedJSON: [ArraySlice<UInt8>]?) throws(SpanStoreError) {
        for (spanIndex, span) in spans.enumerated() {
            let received = receivedJSON?[spanIndex]
            let timestamp = span.timestamp ?? 0
            if let index = traces.index(forKey: span.traceID) {
                // Mutating through the index keeps the span array uniquely referenced (no copy).
                let key = SpanMerger.Key(span)
                let compact: CompactSpan
                if let position = traces.values[index].spans.firstIndex(where: { $0.matchesKey(key) }) {
                    let old = traces.values[index].spans[position]
                    let merged = SpanMerger.merge(try old.decode(from: arena), span)
                    compact = CompactSpan(merged, names: &names, scratch: &scratch, arena: &arena)
                    traces.values[index].spans[position] = compact
                    arena.release(old.json)
                } else {
                    compact = CompactSpan(span, receivedJSON: received, names: &names, scratch: &scratch, arena: &arena)
                    traces.values[index].spans.append(compact)
                    spanCount += 1
                }
                traces.values[index].latest = max(traces.values[index].latest, timestamp)
                if let start = span.timestamp { traces.values[index].earliest = min(traces.values[index].earliest, start) }
                indexRequest(compact.requestKey, trace: span.traceID)
            } else {
                let compact = CompactSpan(span, receivedJSON: received, names: &names, scratch: &scratch, arena: &arena)
                traces[span.traceID] = Entry(spans: [compact], latest: timestamp, earliest: span.timestamp ?? .max)
                order.append(span.traceID)
                spanCount += 1
                indexRequest(compact.requestKey, trace: span.traceID)
            }
            if let service = span.localServiceName {
                if let name = span.name?.lowercased() {
                    spanNamesByService[service, default: []].insert(name)
                } else if spanNamesByService[service] == nil {
                    spanNamesByService[service] = []
                }
                if let remote = span.remoteServiceName { remoteNamesByService[service, default: []].insert(remote) }
            }
        }
        expire()
        while spanCount > maxSpans, let victim = popOldest() {
            if let entry = traces.removeValue(forKey: victim) {
                release(entry, of: victim)
                spanCount -= entry.spans.count
                counters.evictedTraces += 1
                counters.evictedSpans += entry.spans.count
            }
        }
        compactOrderIfNeeded()
    }

    /// Drops traces whose newest span is older than the retention.
    public func expire() {
        guard let retention else { return }
        let current = now()
        guard current > retention else { return }
        let cutoff = current - retention
        // First-seen order is close to time order, so walking from the head finds most expired
        // traces; a full sweep would cost O(traces) per write.
        while head < order.count {
            let id = order[head]
            guard let entry = traces[id] else {
                head += 1
                continue
            }
            guard entry.latest < cutoff else { break }
            traces[id] = nil
            release(entry, of: id)
            spanCount -= entry.spans.count
            counters.expiredTraces += 1
            head += 1
        }
    }

    public func stats() -> SpanStoreStats {
        var stats = counters
        stats.spans = spanCount
        stats.traces = traces.count
        return stats
    }

    public func serviceNames() -> [String] { spanNamesByService.keys.sorted() }

    public func remoteServiceNames(service: String) -> [String] {
        (remoteNamesByService[service.lowercased()] ?? []).sorted()
    }

    public func spanNames(service: String) -> [String] {
        (spanNamesByService[service.lowercased()] ?? []).sorted()
    }

    public func findTraces(_ query: TraceQuery) throws(SpanStoreError) -> [[ZipkinSpan]] {
        let start = query.windowStartMicros
        let end = query.windowEndMicros
        var matches: [(latest: UInt64, id: TraceID)] = []
        func consider(_ id: TraceID, _ entry: Entry) throws(SpanStoreError) {
            guard entry.latest >= start, entry.earliest <= end else { return }
            for span in entry.spans where span.matchesIndexed(query) {
                let prefilter = span.prefilter(query.annotationQuery)
                guard prefilter.possible else { continue }
                if !prefilter.decided {
                    guard query.annotationQuery.matches(try span.decode(from: arena)) else { continue }
                }
                matches.append((entry.latest, id))
                return
            }
        }
        if let requestID = query.annotationQuery.requestIDTerm, !unindexedRequestKeys.contains(CompactSpan.requestKey(requestID)) {
            var seen: Set<TraceID> = []
            for id in requestIndex[CompactSpan.requestKey(requestID)] ?? [] where seen.insert(id).inserted {
                if let entry = traces[id] { try consider(id, entry) }
            }
        } else {
            for (id, entry) in traces { try consider(id, entry) }
        }
        matches.sort { $0.latest != $1.latest ? $0.latest > $1.latest : $0.id < $1.id }
        var result: [[ZipkinSpan]] = []
        for match in matches.prefix(query.limit) {
            if let entry = traces[match.id] { result.append(try decode(entry)) }
        }
        return result
    }

    public func trace(id: TraceID) throws(SpanStoreError) -> [ZipkinSpan] {
        guard let entry = traces[id] else { return [] }
        return try decode(entry)
    }

    public func traces(ids: [TraceID]) throws(SpanStoreError) -> [[ZipkinSpan]] {
        var seen: Set<TraceID> = []
        var result: [[ZipkinSpan]] = []
        for id in ids where seen.insert(id).inserted {
            if let entry = traces[id] { result.append(try decode(entry)) }
        }
        return result
    }

    public func dependencies(endTs: UInt64, lookback: UInt64) -> [DependencyLink] {
        let start = (endTs > lookback ? endTs - lookback : 0) * 1000
        let end = endTs * 1000 + 999
        var linker = DependencyLinker()
        for (id, entry) in traces where entry.spans.contains(where: { ($0.timestamp ?? 0) >= start && ($0.timestamp ?? 0) <= end }) {
            linker.add(trace: entry.spans.map { $0.linkView(traceID: id) })
        }
        return linker.links
    }

    private func decode(_ entry: Entry) throws(SpanStoreError) -> [ZipkinSpan] {
        var spans: [ZipkinSpan] = []
        spans.reserveCapacity(entry.spans.count)
        for span in entry.spans { spans.append(try span.decode(from: arena)) }
        return SpanMerger.sorted(spans)
    }

    private func release(_ entry: Entry, of id: TraceID) {
        var keys: Set<UInt64> = []
        for span in entry.spans {
            arena.release(span.json)
            if span.requestKey != 0 { keys.insert(span.requestKey) }
        }
        for key in keys {
            guard let position = requestIndex.index(forKey: key) else { continue }
            requestIndex.values[position].removeAll { $0 == id }
            if requestIndex.values[position].isEmpty { requestIndex.remove(at: position) }
        }
    }

    private func indexRequest(_ key: UInt64, trace id: TraceID) {
        guard key != 0, !unindexedRequestKeys.contains(key) else { return }
        guard let position = requestIndex.index(forKey: key) else {
            requestIndex[key] = [id]
            return
        }
        guard !requestIndex.values[position].contains(id) else { return }
        if requestIndex.values[position].count >= Self.maxTracesPerRequestID {
            requestIndex.remove(at: position)
            unindexedRequestKeys.insert(key)
        } else {
            requestIndex.values[position].append(id)
        }
    }

    private func popOldest() -> TraceID? {
        while head < order.count {
            let id = order[head]
            head += 1
            if traces[id] != nil { return id }
        }
        return nil
    }

    private func compactOrderIfNeeded() {
        if head > 4096 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}

/// The wall clock in epoch microseconds, the default clock of the stores.
public enum SystemClockMicros {
    @Sendable public static func now() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1_000_000))
    }
}
