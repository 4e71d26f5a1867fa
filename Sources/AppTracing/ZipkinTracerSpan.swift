import Foundation
import Synchronization
import TraceContext
import TraceContextInstrument
import Tracing
import Zipkin

/// A span of `ZipkinTracer`: recorded under a lock (the `Span` API mutates through a shared
/// reference, from any task) and reported once, as one `ZipkinSpan`, when it ends.
///
/// The mapping is the OpenTelemetry Zipkin exporter's: kind INTERNAL has no Zipkin kind,
/// attributes become string tags (arrays as JSON), events become annotations, an ERROR
/// status becomes the `error` tag (its message, or "true"), a recorded error an `exception`
/// annotation and the `error` tag. Links have no Zipkin field and are dropped.
public final class ZipkinTracerSpan: Tracing.Span {
    private struct State {
        var operationName: String
        var attributes: SpanAttributes = [:]
        var status: SpanStatus?
        var events: [SpanEvent] = []
        var recordedError: String?
        var ended = false
    }

    public let context: ServiceContext
    /// The ids this span has and passes on.
    public let spanContext: SpanContext
    public let kind: SpanKind
    private let startNanoseconds: UInt64
    private let tracer: ZipkinTracer
    private let state: Mutex<State>

    init(operationName: String, kind: SpanKind, context: ServiceContext, spanContext: SpanContext, startNanoseconds: UInt64, tracer: ZipkinTracer) {
        self.context = context
        self.spanContext = spanContext
        self.kind = kind
        self.startNanoseconds = startNanoseconds
        self.tracer = tracer
        self.state = Mutex(State(operationName: operationName))
    }

    public var operationName: String {
        get { state.withLock { $0.operationName } }
        set { state.withLock { $0.operationName = newValue } }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set { state.withLock { $0.attributes = newValue } }
    }

    /// False for an unsampled trace and after `end`.
    public var isRecording: Bool {
        spanContext.sampling.isSampled != false && !state.withLock { $0.ended }
    }

    public func setStatus(_ status: SpanStatus) {
        state.withLock { $0.status = status }
    }

    public func addEvent(_ event: SpanEvent) {
        state.withLock { $0.events.append(event) }
    }

    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        let event = SpanEvent(name: "exception", at: instant(), attributes: attributes)
        state.withLock { state in
            state.events.append(event)
            state.recordedError = "\(error)"
        }
    }

    public func addLink(_ link: SpanLink) {}

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let endNanoseconds = instant().nanosecondsSinceEpoch
        let finished: State? = state.withLock { state in
            guard !state.ended else { return nil }
            state.ended = true
            return state
        }
        guard let finished, spanContext.sampling.isSampled != false else { return }
        tracer.reporter.report(zipkinSpan(finished, endNanoseconds: endNanoseconds))
    }

    private func zipkinSpan(_ state: State, endNanoseconds: UInt64) -> ZipkinSpan {
        var tags = tracer.tags
        state.attributes.forEach { key, value in tags[key] = Self.text(value) }
        if tags["guid:x-request-id"] == nil, let requestID = context[RequestIDKey.self] { tags["guid:x-request-id"] = requestID.value }
        if let error = state.recordedError { tags["error"] = error }
        if let status = state.status, status.code == .error { tags["error"] = status.message ?? tags["error"] ?? "true" }
        let start = startNanoseconds / 1_000
        let end = endNanoseconds / 1_000
        return ZipkinSpan(
            traceID: spanContext.traceID, id: spanContext.spanID, parentID: spanContext.parentSpanID, name: state.operationName,
            kind: Self.zipkinKind(kind), timestamp: start, duration: max(end &- start, 1),
            localEndpoint: ZipkinEndpoint(serviceName: tracer.serviceName),
            annotations: state.events.map { ZipkinAnnotation(timestamp: $0.nanosecondsSinceEpoch / 1_000, value: $0.name) },
            tags: tags, debug: spanContext.sampling == .debug
        )
    }

    static func zipkinKind(_ kind: SpanKind) -> ZipkinSpan.Kind? {
        switch kind {
        case .server: .server
        case .client: .client
        case .producer: .producer
        case .consumer: .consumer
        case .internal: nil
        }
    }

    /// A tag's text: scalars as written, arrays as a JSON array (the OpenTelemetry mapping).
    static func text(_ attribute: SpanAttribute) -> String {
        switch attribute {
        case .int32(let value): String(value)
        case .int64(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        case .string(let value): value
        case .int32Array(let values): "[" + values.map(String.init).joined(separator: ",") + "]"
        case .int64Array(let values): "[" + values.map(String.init).joined(separator: ",") + "]"
        case .doubleArray(let values): "[" + values.map { String($0) }.joined(separator: ",") + "]"
        case .boolArray(let values): "[" + values.map(String.init).joined(separator: ",") + "]"
        case .stringArray(let values): jsonArray(values)
        case .stringConvertibleArray(let values): jsonArray(values.map(\.description))
        case .stringConvertible(let value): value.description
        default: "\(attribute)"
        }
    }

    private static func jsonArray(_ values: [String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: values, options: [.withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
