import Instrumentation
import ServiceContextModule
import TraceContext
import TraceContextInstrument
import Tracing
import Zipkin

/// A swift-distributed-tracing `Tracer` whose spans end as `ZipkinSpan`s handed to a
/// `SpanReporter` (Zipkin JSON or proto3, or OTLP through `OTLPExportEncoder`), with B3 and
/// W3C propagation by `TraceContextInstrument`.
///
/// Why not swift-otel: its 1.x propagators are W3C only (asking for `b3` or `b3multi` stops the
/// process), its propagator protocol is internal, and it has no Zipkin exporter; the lab's
/// sidecars speak B3 first and report Zipkin. This is the smallest tracer that does what the
/// lab needs through the standard API, so a handler written against `Tracer` runs unchanged
/// under swift-otel elsewhere.
///
/// A span's context is the `SpanContext` in the `ServiceContext` (`SpanContextKey`); a child
/// gets a new span id under its parent's trace and sampling. A root (no incoming context)
/// gets a 64-bit trace id, as the B3 sidecars make, and is sampled unless the incoming
/// headers decided otherwise (`SamplingDecisionKey`). Unsampled spans are not recording and
/// are never reported.
public struct ZipkinTracer: Tracer {
    public typealias Span = ZipkinTracerSpan

    /// `localEndpoint.serviceName` of every span.
    public let serviceName: String
    public let instrument: TraceContextInstrument
    public let reporter: any SpanReporter
    /// Tags every span carries (`component`, `node_id`).
    public let tags: ZipkinTags

    public init(serviceName: String, instrument: TraceContextInstrument = TraceContextInstrument(),
                reporter: any SpanReporter, tags: ZipkinTags = [:]) {
        self.serviceName = serviceName
        self.instrument = instrument
        self.reporter = reporter
        self.tags = tags
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> ServiceContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> ZipkinTracerSpan {
        var context = context()
        var generator = SystemRandomNumberGenerator()
        let spanContext: SpanContext
        if let parent = context[SpanContextKey.self] {
            spanContext = parent.child(using: &generator)
        } else {
            let decided = context[SamplingDecisionKey.self] ?? .deferred
            spanContext = SpanContext(traceID: .random(is128Bit: false, using: &generator), spanID: .random(using: &generator),
                                      sampling: decided == .deferred ? .sampled : decided)
        }
        context[SpanContextKey.self] = spanContext
        return ZipkinTracerSpan(operationName: operationName, kind: kind, context: context, spanContext: spanContext,
                                startNanoseconds: instant().nanosecondsSinceEpoch, tracer: self)
    }

    /// Spans go to the reporter as they end; it sends on its own timer.
    public func forceFlush() {}

    public func extract<Carrier, Extract>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract: Extractor, Extract.Carrier == Carrier {
        instrument.extract(carrier, into: &context, using: extractor)
    }

    public func inject<Carrier, Inject>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject: Injector, Inject.Carrier == Carrier {
        instrument.inject(context, into: &carrier, using: injector)
    }
}
