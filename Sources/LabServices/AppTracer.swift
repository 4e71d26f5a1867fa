import AppTracing
import Foundation
import LabModel
import ServiceContextModule
import TraceContext
import TraceContextInstrument
import Tracing
import Zipkin

/// The app's own spans (`--app-spans`), through swift-distributed-tracing: one span around each
/// handler, a child of the sidecar's SERVER span context, and one around each outgoing call, a
/// child of the handler span, whose context the `Instrument` injects instead of the incoming
/// one (in the formats the request came in: B3 behind the B3 sidecars, W3C when asked).
///
/// Handlers open their span by hand with `Tracer.startSpan` rather than through Hummingbird's
/// `TracingMiddleware`: that middleware records a SERVER span through the process-wide
/// `InstrumentationSystem`, while the sidecar owns the SERVER span of the node and app spans
/// are local (kind INTERNAL, no Zipkin kind), so the verifier's CLIENT/SERVER pairing sees
/// only the sidecars' RPC spans, as in the FSM + OpenTelemetry sample; and tests run several
/// services in one process, each with its own tracer. Without a reporter, or with app spans
/// switched off, nothing is created: the incoming headers are forwarded as they came.
struct AppTracer: Sendable {
    let instance: ServiceInstance
    /// Nil without a reporter.
    let tracer: ZipkinTracer?
    /// App spans on or off now; a request decides once, when its handler begins.
    let enabled: AppSpanSwitch
    /// Epoch microseconds of the service's clock (which a lesson may set ahead).
    let clock: @Sendable () -> UInt64

    static let instrument = TraceContextInstrument(
        propagation: TraceContextPropagation(extractOrder: [.b3Single, .b3Multi, .w3c], injectFormats: [.b3Multi]),
        answersInIncomingFormats: true
    )

    init(instance: ServiceInstance, reporter: (any SpanReporter)?, enabled: AppSpanSwitch = AppSpanSwitch(true),
         clock: @escaping @Sendable () -> UInt64 = AppTracer.wallClock) {
        self.instance = instance
        self.tracer = reporter.map { reporter in
            ZipkinTracer(serviceName: instance.service.rawValue, instrument: Self.instrument, reporter: reporter,
                         tags: ["component": "app", "node_id": instance.nodeID])
        }
        self.enabled = enabled
        self.clock = clock
    }

    static let requestIDTag = "guid:x-request-id"

    static let wallClock: @Sendable () -> UInt64 = {
        UInt64(Date().timeIntervalSince1970 * 1_000_000)
    }

    private var now: SpanInstant { SpanInstant(microsecondsSinceEpoch: clock()) }

    /// The incoming request as seen by the handler: what it may forward and, with app spans,
    /// its own span.
    struct HandlerTrace: Sendable {
        /// The incoming `TraceHeaders.forwarded` headers.
        var forwardable: HeaderFields
        /// The formats the incoming request used; app span contexts go out in the same ones.
        var formats: [PropagationFormat]
        /// The incoming context (the sidecar's SERVER span), for display.
        var incoming: SpanContext?
        /// The handler span, when app spans are on.
        var span: ZipkinTracerSpan?
    }

    func beginHandler<Headers: HeaderGetter>(headers: Headers, name: String) -> HandlerTrace {
        var context = ServiceContext.topLevel
        Self.instrument.extract(headers, into: &context, using: HeaderGetterExtractor<Headers>())
        var trace = HandlerTrace(
            forwardable: PropagationMode.forwardable(from: headers),
            formats: context[IncomingFormatsKey.self] ?? [.b3Multi],
            incoming: context[SpanContextKey.self], span: nil
        )
        if let tracer, enabled.isOn {
            let span = tracer.startSpan(name, context: context, ofKind: .internal, at: now)
            // As it came, UUID or not (the instrument keeps only UUIDs in the context).
            if let requestID = trace.forwardable[TraceHeaders.requestID] { span.attributes[Self.requestIDTag] = requestID }
            trace.span = span
        }
        return trace
    }

    func endHandler(_ trace: HandlerTrace, method: String, path: String, status: Int) {
        guard let span = trace.span else { return }
        span.attributes["http.method"] = method
        span.attributes["http.path"] = path
        span.attributes["http.status_code"] = String(status)
        if status >= 500 { span.setStatus(SpanStatus(code: .error, message: "status \(status)")) }
        span.end(at: now)
    }

    /// An outgoing call in progress: the headers to send (before the propagation mode is
    /// applied) and the call span, if any.
    struct CallTrace: Sendable {
        var headers: HeaderFields
        var span: ZipkinTracerSpan?
    }

    func beginCall(_ name: String, from trace: HandlerTrace) -> CallTrace {
        var headers = trace.forwardable
        guard let tracer, let handlerSpan = trace.span else { return CallTrace(headers: headers, span: nil) }
        let span = tracer.startSpan(name, context: handlerSpan.context, ofKind: .internal, at: now)
        // The incoming context's headers go; the call span's take their place.
        TraceContextPropagation.remove(trace.formats, from: &headers)
        tracer.inject(span.context, into: &headers, using: HeaderSetterInjector<HeaderFields>())
        if let requestID = headers[TraceHeaders.requestID] { span.attributes[Self.requestIDTag] = requestID }
        return CallTrace(headers: headers, span: span)
    }

    func endCall(_ call: CallTrace, callee: ServiceName, path: String, status: Int?, failure: String?) {
        guard let span = call.span else { return }
        span.attributes["http.method"] = "GET"
        span.attributes["http.path"] = path
        span.attributes["peer.service"] = callee.rawValue
        if let status { span.attributes["http.status_code"] = String(status) }
        if let error = failure ?? status.flatMap({ $0 >= 500 ? "status \($0)" : nil }) {
            span.setStatus(SpanStatus(code: .error, message: error))
        }
        span.end(at: now)
    }
}
