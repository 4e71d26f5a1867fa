import Foundation
import LabModel
import TraceContext
import Zipkin

/// The app's own spans (`--app-spans`): one local span around each handler, a child of the
/// sidecar's SERVER span context, and one around each outgoing call, a child of the handler
/// span, whose context the app then forwards instead of the incoming one.
///
/// App spans carry no `kind`: they are local spans, so the verifier's CLIENT/SERVER pairing
/// sees only the sidecars' RPC spans, as in the FSM + OpenTelemetry sample. Without a
/// reporter, or with app spans switched off, the tracer only reads the incoming headers and
/// never creates ids.
struct AppTracer: Sendable {
    let instance: ServiceInstance
    let reporter: (any SpanReporter)?
    /// App spans on or off now; a request decides once, when its handler begins.
    let enabled: AppSpanSwitch
    let propagation = TraceContextPropagation(extractOrder: [.b3Single, .b3Multi, .w3c])
    /// Epoch microseconds; injected so tests can pin times.
    let clock: @Sendable () -> UInt64

    init(instance: ServiceInstance, reporter: (any SpanReporter)?, enabled: AppSpanSwitch = AppSpanSwitch(true),
         clock: @escaping @Sendable () -> UInt64 = AppTracer.wallClock) {
        self.instance = instance
        self.reporter = reporter
        self.enabled = enabled
        self.clock = clock
    }

    static let wallClock: @Sendable () -> UInt64 = {
        UInt64(Date().timeIntervalSince1970 * 1_000_000)
    }

    /// The incoming request as seen by the handler: what it may forward and, with app spans,
    /// its own span.
    struct HandlerTrace: Sendable {
        /// The incoming `TraceHeaders.forwarded` headers.
        var forwardable: HeaderFields
        /// The formats the incoming request used; app span contexts go out in the same ones.
        var formats: [PropagationFormat]
        /// The incoming context (the sidecar's SERVER span), for display and for parenting.
        var incoming: SpanContext?
        /// The handler span, when app spans are on.
        var span: SpanContext?
        var name: String
        var start: UInt64
    }

    func beginHandler(headers: some HeaderGetter, name: String) -> HandlerTrace {
        let extraction = propagation.extract(from: headers)
        var trace = HandlerTrace(
            forwardable: PropagationMode.forwardable(from: headers),
            formats: extraction.formatsPresent.isEmpty ? [.b3Multi] : extraction.formatsPresent,
            incoming: extraction.context, span: nil, name: name, start: clock()
        )
        if reporter != nil, enabled.isOn {
            var generator = SystemRandomNumberGenerator()
            if let context = extraction.context {
                trace.span = context.child(using: &generator)
            } else {
                // Called without a sidecar in front: the app starts the trace itself.
                let sampling: SamplingState = extraction.sampling == .deferred ? .sampled : extraction.sampling
                trace.span = SpanContext(traceID: .random(is128Bit: false, using: &generator), spanID: .random(using: &generator), sampling: sampling)
            }
        }
        return trace
    }

    func endHandler(_ trace: HandlerTrace, method: String, path: String, status: Int) {
        guard let span = trace.span else { return }
        report(span: span, name: trace.name, start: trace.start, tags: [
            "http.method": method, "http.path": path, "http.status_code": String(status),
        ], error: status >= 500 ? "status \(status)" : nil, requestID: trace.forwardable[TraceHeaders.requestID])
    }

    /// An outgoing call in progress: the headers to send (before the propagation mode is
    /// applied) and the call span, if any.
    struct CallTrace: Sendable {
        var headers: HeaderFields
        var span: SpanContext?
        var start: UInt64
    }

    func beginCall(from trace: HandlerTrace) -> CallTrace {
        var headers = trace.forwardable
        var callSpan: SpanContext?
        if let handlerSpan = trace.span {
            var generator = SystemRandomNumberGenerator()
            let span = handlerSpan.child(using: &generator)
            TraceContextPropagation.remove(trace.formats, from: &headers)
            propagation.inject(span, into: &headers, formats: trace.formats)
            callSpan = span
        }
        return CallTrace(headers: headers, span: callSpan, start: clock())
    }

    func endCall(_ call: CallTrace, callee: ServiceName, path: String, status: Int?, failure: String?) {
        guard let span = call.span else { return }
        var tags: ZipkinTags = ["http.method": "GET", "http.path": path, "peer.service": callee.rawValue]
        if let status { tags["http.status_code"] = String(status) }
        let error = failure ?? status.flatMap { $0 >= 500 ? "status \($0)" : nil }
        report(span: span, name: "call \(callee.rawValue)", start: call.start, tags: tags, error: error, requestID: call.headers[TraceHeaders.requestID])
    }

    private func report(span: SpanContext, name: String, start: UInt64, tags: ZipkinTags, error: String?, requestID: String?) {
        // Deferred means no sidecar decided; the app records rather than lose the span.
        guard let reporter, span.sampling.isSampled != false else { return }
        var tags = tags
        tags["component"] = "app"
        tags["node_id"] = instance.nodeID
        if let requestID { tags["guid:x-request-id"] = requestID }
        if let error { tags["error"] = error }
        let end = clock()
        reporter.report(ZipkinSpan(
            traceID: span.traceID, id: span.spanID, parentID: span.parentSpanID, name: name,
            timestamp: start, duration: max(end &- start, 1),
            localEndpoint: ZipkinEndpoint(serviceName: instance.service.rawValue),
            tags: tags, debug: span.sampling == .debug
        ))
    }
}
