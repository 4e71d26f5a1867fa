import Instrumentation
import ServiceContextModule
import TraceContext

/// The span context a request carries, stored in a `ServiceContext`.
public enum SpanContextKey: ServiceContextKey {
    public typealias Value = SpanContext
    public static var nameOverride: String? { "tracelab.span-context" }
}

/// The request's `x-request-id`, stored in a `ServiceContext` so it is forwarded with the trace.
public enum RequestIDKey: ServiceContextKey {
    public typealias Value = RequestID
    public static var nameOverride: String? { "tracelab.request-id" }
}

/// The formats the incoming request carried its context in (`b3multi`, `w3c`, …), so a child's
/// context can go out in the same ones.
public enum IncomingFormatsKey: ServiceContextKey {
    public typealias Value = [PropagationFormat]
    public static var nameOverride: String? { "tracelab.incoming-formats" }
}

/// A sampling decision that came without ids (`x-b3-sampled: 0`, `b3: 0`): a trace started
/// here must keep it.
public enum SamplingDecisionKey: ServiceContextKey {
    public typealias Value = SamplingState
    public static var nameOverride: String? { "tracelab.sampling-decision" }
}

/// A swift-distributed-tracing `Instrument` over a `TraceContextPropagation`, so that
/// Hummingbird's tracing middleware and AsyncHTTPClient propagate B3 (and W3C) the way the
/// mesh does. swift-otel propagates only W3C, which would break every B3 hop of the lab.
public struct TraceContextInstrument: Instrument {
    public let propagation: TraceContextPropagation
    /// Inject in the formats the request came in (`IncomingFormatsKey`), as an app in a mesh
    /// must, rather than always in `propagation.injectFormats` (used when none came in).
    public let answersInIncomingFormats: Bool

    public init(propagation: TraceContextPropagation = TraceContextPropagation(), answersInIncomingFormats: Bool = false) {
        self.propagation = propagation
        self.answersInIncomingFormats = answersInIncomingFormats
    }

    public func extract<Carrier, Extract>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract: Extractor, Extract.Carrier == Carrier {
        let getter = ExtractorGetter(carrier: carrier, extractor: extractor)
        let extraction = propagation.extract(from: getter)
        if let spanContext = extraction.context {
            context[SpanContextKey.self] = spanContext
        } else if extraction.sampling != .deferred {
            context[SamplingDecisionKey.self] = extraction.sampling
        }
        if !extraction.formatsPresent.isEmpty {
            context[IncomingFormatsKey.self] = extraction.formatsPresent
        }
        if let value = getter.firstValue(forLowercasedName: TraceHeaders.requestID), let requestID = try? RequestID(value) {
            context[RequestIDKey.self] = requestID
        }
    }

    public func inject<Carrier, Inject>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject: Injector, Inject.Carrier == Carrier {
        var setter = InjectorSetter(carrier: carrier, injector: injector)
        if let spanContext = context[SpanContextKey.self] {
            let incoming = answersInIncomingFormats ? context[IncomingFormatsKey.self] : nil
            propagation.inject(spanContext, into: &setter, formats: incoming)
        }
        if let requestID = context[RequestIDKey.self] {
            setter.set(requestID.value, forLowercasedName: TraceHeaders.requestID)
        }
        carrier = setter.carrier
    }
}

private struct ExtractorGetter<Extract: Extractor>: HeaderGetter {
    let carrier: Extract.Carrier
    let extractor: Extract

    func firstValue(forLowercasedName name: String) -> String? {
        extractor.extract(key: name, from: carrier)
    }
}

// An Injector can only add; removal is not part of its contract, so `remove` is a no-op and
// callers start from a carrier without stale trace headers.
private struct InjectorSetter<Inject: Injector>: HeaderSetter {
    var carrier: Inject.Carrier
    let injector: Inject

    mutating func set(_ value: String, forLowercasedName name: String) {
        injector.inject(value, forKey: name, into: &carrier)
    }

    mutating func remove(lowercasedName name: String) {}
}
