import TraceContext
import Zipkin

/// Merges reports of the same span and orders a trace, the same way for every backend.
///
/// Like Zipkin's `Trace.merge`: a span's identity is (span id, kind, shared, local service),
/// so a CLIENT and the `shared` SERVER of a B3 hop stay two spans under one id, while the same
/// side reported twice (a retry of a batch, or a span sent in parts) becomes one.
public enum SpanMerger {
    /// The identity of a span within its trace.
    public struct Key: Hashable, Sendable {
        public var id: SpanID
        public var kind: ZipkinSpan.Kind?
        public var shared: Bool
        public var localService: String?

        public init(_ span: ZipkinSpan) {
            id = span.id
            kind = span.kind
            shared = span.shared
            localService = span.localServiceName
        }
    }

    /// Fills what `base` lacks from `late`; tags and annotations are united (`late` wins on a
    /// tag conflict, because it is the newer report).
    public static func merge(_ base: ZipkinSpan, _ late: ZipkinSpan) -> ZipkinSpan {
        var merged = base
        merged.parentID = base.parentID ?? late.parentID
        merged.name = base.name ?? late.name
        merged.timestamp = base.timestamp ?? late.timestamp
        if let lateDuration = late.duration {
            merged.duration = max(base.duration ?? 0, lateDuration)
        }
        merged.localEndpoint = base.localEndpoint ?? late.localEndpoint
        merged.remoteEndpoint = base.remoteEndpoint ?? late.remoteEndpoint
        for annotation in late.annotations where !merged.annotations.contains(annotation) {
            merged.annotations.append(annotation)
        }
        merged.annotations.sort { ($0.timestamp, $0.value) < ($1.timestamp, $1.value) }
        merged.tags.merge(late.tags) { _, new in new }
        merged.debug = base.debug || late.debug
        return merged
    }

    /// Merges duplicates of `spans` (all of one trace) and sorts them (see `SpanReader`).
    public static func mergeAndSort(_ spans: [ZipkinSpan]) -> [ZipkinSpan] {
        var index: [Key: Int] = [:]
        var result: [ZipkinSpan] = []
        result.reserveCapacity(spans.count)
        for span in spans {
            let key = Key(span)
            if let position = index[key] {
                result[position] = merge(result[position], span)
            } else {
                index[key] = result.count
                result.append(span)
            }
        }
        return sorted(result)
    }

    /// Timestamp (missing first), then id, then CLIENT before SERVER.
    public static func sorted(_ spans: [ZipkinSpan]) -> [ZipkinSpan] {
        spans.sorted { a, b in
            let ta = a.timestamp ?? 0, tb = b.timestamp ?? 0
            if ta != tb { return ta < tb }
            if a.id != b.id { return a.id < b.id }
            return kindRank(a) < kindRank(b)
        }
    }

    private static func kindRank(_ span: ZipkinSpan) -> Int {
        switch span.kind {
        case .client: 0
        case .producer: 1
        case .server: 2
        case .consumer: 3
        case nil: 4
        }
    }
}
