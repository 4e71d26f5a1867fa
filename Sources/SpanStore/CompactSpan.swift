import TraceContext
import Zipkin

/// A span as `MemorySpanStore` keeps it: the fields queries filter on, plus where the span's
/// Zipkin JSON sits in the store's `SpanByteArena`; the JSON is decoded only when a trace is read.
///
/// A decoded `ZipkinSpan` keeps its names, endpoints, annotations and tag buffer on the heap
/// beside the struct itself; Envoy's span JSON is about 700 bytes, appended to a slab.
/// Service and span names are interned, so a million spans share a handful of name buffers.
struct CompactSpan: Sendable {
    let id: SpanID
    let parentID: SpanID?
    let kind: ZipkinSpan.Kind?
    let shared: Bool
    let hasError: Bool
    let localService: String?
    let remoteService: String?
    /// Lower-cased, as queries compare it.
    let name: String?
    let timestamp: UInt64?
    let duration: UInt64?
    /// The `node_id` tag as reported (interned: a lab has a handful), so node lookups of the
    /// verdict's related-trace search need no decoding.
    let node: String?
    /// `requestKey(_:)` of the `guid:x-request-id` tag, 0 when there is none; the store's
    /// request index is keyed by it.
    let requestKey: UInt64
    let json: SpanByteArena.Location

    /// `receivedJSON`, when given, is the span's JSON as received; otherwise it is encoded.
    init(_ span: ZipkinSpan, receivedJSON: ArraySlice<UInt8>? = nil, names: inout NameInterner, scratch: inout [UInt8], arena: inout SpanByteArena) {
        id = span.id
        parentID = span.parentID
        kind = span.kind
        shared = span.shared
        hasError = span.tags["error"] != nil
        localService = span.localServiceName.map { names.intern($0) }
        remoteService = span.remoteServiceName.map { names.intern($0) }
        name = span.name.map { names.intern($0.lowercased()) }
        timestamp = span.timestamp
        duration = span.duration
        node = span.tags["node_id"].map { names.intern($0) }
        requestKey = span.tags["guid:x-request-id"].map(Self.requestKey) ?? 0
        if let receivedJSON {
            json = arena.append(receivedJSON)
        } else {
            scratch.removeAll(keepingCapacity: true)
            ZipkinJSONEncoder().encode(span, into: &scratch)
            json = arena.append(scratch)
        }
    }

    func matchesKey(_ key: SpanMerger.Key) -> Bool {
        id == key.id && kind == key.kind && shared == key.shared && localService == key.localService
    }

    func decode(from arena: SpanByteArena) throws(SpanStoreError) -> ZipkinSpan {
        do {
            return try ZipkinJSONDecoder().decodeSpan(arena.bytes(at: json))
        } catch {
            throw SpanStoreError(.corruptRow("in-memory span \(id.hex): \(error)"))
        }
    }

    /// The fields `DependencyLinker` reads, without decoding the JSON.
    func linkView(traceID: TraceID) -> ZipkinSpan {
        ZipkinSpan(
            traceID: traceID, id: id, parentID: parentID, kind: kind,
            localEndpoint: localService.map { ZipkinEndpoint(serviceName: $0) },
            remoteEndpoint: remoteService.map { ZipkinEndpoint(serviceName: $0) },
            tags: hasError ? ["error": ""] : [:], shared: shared
        )
    }

    /// A 64-bit FNV-1a hash of an x-request-id, never 0. Equal ids have equal keys; a match
    /// by key is confirmed on the decoded span, so a collision costs a decode, not a wrong answer.
    static func requestKey(_ requestID: String) -> UInt64 {
        var requestID = requestID
        // Over the contiguous bytes: iterating `utf8` cost ~30 instructions a byte.
        let hash = requestID.withUTF8 { bytes in
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
            return hash
        }
        return hash == 0 ? 1 : hash
    }

    /// Whether the annotation query can still match, judged on the kept fields: a `node_id`
    /// term against `node`, an x-request-id term against `requestKey`. `decided` is true when
    /// every term was judged exactly here (no decoding needed).
    func prefilter(_ query: AnnotationQuery) -> (possible: Bool, decided: Bool) {
        var decided = true
        for term in query.terms {
            switch term {
            case .tag(key: "node_id", let value):
                if node != value { return (false, true) }
            case .tag(key: "guid:x-request-id", let value):
                if requestKey != Self.requestKey(value) { return (false, true) }
                decided = false
            default:
                decided = false
            }
        }
        return (true, decided)
    }

    /// `TraceQuery.matches` on the kept fields; the annotation query needs the decoded span.
    func matchesIndexed(_ query: TraceQuery) -> Bool {
        if let service = query.serviceName, localService != service { return false }
        if let remote = query.remoteServiceName, remoteService != remote { return false }
        if let spanName = query.spanName, name != spanName { return false }
        if let minDuration = query.minDuration {
            guard let duration, duration >= minDuration else { return false }
        }
        if let maxDuration = query.maxDuration {
            guard let duration, duration <= maxDuration else { return false }
        }
        guard let timestamp, timestamp >= query.windowStartMicros, timestamp <= query.windowEndMicros else { return false }
        return true
    }
}

/// Canonical instances of repeated names, so equal strings share one buffer.
struct NameInterner: Sendable {
    private var names: Set<String> = []

    mutating func intern(_ name: String) -> String {
        if let existing = names.firstIndex(of: name) { return names[existing] }
        names.insert(name)
        return name
    }
}
