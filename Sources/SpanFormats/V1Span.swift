import TraceContext
import Zipkin

/// A Zipkin v1 span as the v1 JSON list carries it (zipkin-api.yaml): timing and RPC roles
/// live in annotations (`cs`, `sr`, `ss`, `cr`, …) each with its own endpoint, tags and
/// addresses in binary annotations. `V1SpanConverter` turns it into v2 spans.
struct V1Span: Hashable, Sendable {
    var traceID: TraceID
    var id: SpanID
    var parentID: SpanID?
    /// Lower-cased, nil when empty (zipkin2's `V1Span.Builder.name`).
    var name: String?
    /// Epoch microseconds; 0 when absent, as in zipkin2's model.
    var timestamp: UInt64
    var duration: UInt64
    /// Ordered by timestamp, then value.
    var annotations: [V1Annotation]
    /// Ordered by key, keeping the body's order among equal keys.
    var binaryAnnotations: [V1BinaryAnnotation]
    var debug: Bool

    init(
        traceID: TraceID, id: SpanID, parentID: SpanID? = nil, name: String? = nil, timestamp: UInt64 = 0, duration: UInt64 = 0,
        annotations: [V1Annotation] = [], binaryAnnotations: [V1BinaryAnnotation] = [], debug: Bool = false
    ) {
        self.traceID = traceID
        self.id = id
        self.parentID = parentID
        self.name = name.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        self.timestamp = timestamp
        self.duration = duration
        self.annotations = annotations.sorted { ($0.timestamp, $0.value) < ($1.timestamp, $1.value) }
        self.binaryAnnotations = binaryAnnotations.enumerated()
            .sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }
            .map(\.element)
        self.debug = debug
    }
}

/// A v1 annotation: an event, or one of the core RPC events that say the span's kind and timing.
struct V1Annotation: Hashable, Sendable {
    var timestamp: UInt64
    var value: String
    /// Nil when absent or empty.
    var endpoint: ZipkinEndpoint?
}

/// A v1 binary annotation: a string tag, or an address (`ca`, `sa`, `ma` with value `true`)
/// naming the remote side.
struct V1BinaryAnnotation: Hashable, Sendable {
    enum Value: Hashable, Sendable {
        case string(String)
        case address
    }

    var key: String
    var value: Value
    var endpoint: ZipkinEndpoint?

    /// The tag value; nil for an address.
    var stringValue: String? {
        if case .string(let text) = value { text } else { nil }
    }
}
