import TraceContext

/// What the proxy decided about tracing one request: the span it reports and what it sends on.
public struct TraceDecision: Hashable, Sendable {
    /// The context of the span this proxy reports; it is also what the next hop receives.
    public var context: SpanContext
    /// A B3 SERVER span that reuses the caller's span id (Zipkin `shared: true`).
    public var shared: Bool
    /// Whether a span is reported (not-sampled requests only propagate the decision).
    public var sampled: Bool
    /// Debug requests force sampling and mark the span `debug: true`.
    public var debug: Bool
    /// Formats written on the forwarded request.
    public var injectFormats: [PropagationFormat]
    /// The `x-request-id` sent on (kept when valid, new otherwise).
    public var requestID: String
    /// Trace headers that were present but malformed (ignored; a new trace was started).
    public var errors: [TraceContextError]

    public init(context: SpanContext, shared: Bool, sampled: Bool, debug: Bool, injectFormats: [PropagationFormat], requestID: String, errors: [TraceContextError] = []) {
        self.context = context
        self.shared = shared
        self.sampled = sampled
        self.debug = debug
        self.injectFormats = injectFormats
        self.requestID = requestID
        self.errors = errors
    }
}

/// Turns incoming trace headers into a ``TraceDecision`` and rewrites headers for the next hop.
///
/// Pure: ids and the sampling draw come from the injected generator, so tests are exact.
/// - Inbound (SERVER): B3 continues with the caller's span id (`shared`, like Envoy); W3C
///   gets a new span id whose parent is the caller's; no valid context starts a new trace.
/// - Outbound (CLIENT): always a new span id, child of the context the app forwarded.
public struct TraceDecider: Sendable {
    public let formats: [PropagationFormatName]
    private let propagation: TraceContextPropagation
    /// The header names of `formats`, worked out once rather than on every request.
    private let ownedHeaderNames: [String]

    public init(formats: [PropagationFormatName]) {
        self.formats = formats
        // b3 single takes precedence over multi when both are present (B3 spec).
        let order: [PropagationFormat] = [.b3Single, .b3Multi, .w3c].filter { format in
            formats.contains { $0.format == format }
        }
        self.propagation = TraceContextPropagation(extractOrder: order, injectFormats: formats.map(\.format))
        self.ownedHeaderNames = TraceContextPropagation.headerNames(of: formats.map(\.format))
    }

    public enum Side: Sendable {
        case server
        case client
    }

    /// Decides for one request. `sample` is the rate for traces whose sampling is undecided.
    public func decide<G: RandomNumberGenerator>(side: Side, headers: some HeaderGetter, samplingRate: Double, using generator: inout G) -> TraceDecision {
        let extraction = propagation.extract(from: headers)
        var sampling = extraction.sampling
        if sampling == .deferred {
            let draw = samplingRate >= 1 || (samplingRate > 0 && Double.random(in: 0..<1, using: &generator) < samplingRate)
            sampling = draw ? .sampled : .notSampled
        }
        var context: SpanContext
        var shared = false
        if let incoming = extraction.context {
            switch (side, extraction.format) {
            case (.server, .b3Single?), (.server, .b3Multi?):
                context = SpanContext(traceID: incoming.traceID, spanID: incoming.spanID, parentSpanID: incoming.parentSpanID, sampling: sampling, traceState: incoming.traceState)
                shared = true
            default:
                context = incoming.child(using: &generator)
                context.sampling = sampling
            }
        } else {
            context = SpanContext(traceID: .random(is128Bit: true, using: &generator), spanID: .random(using: &generator), sampling: sampling)
        }
        // Write back in the formats it came in, plus the first configured one (b3multi by default).
        var inject: [PropagationFormat] = []
        if let first = formats.first { inject.append(first.format) }
        for format in extraction.formatsPresent where !inject.contains(format) { inject.append(format) }
        let requestID: String
        if let value = headers.firstValue(forLowercasedName: TraceHeaders.requestID), (try? RequestID(value)) != nil {
            requestID = value
        } else {
            requestID = RequestID.random(using: &generator).value
        }
        return TraceDecision(
            context: context, shared: shared, sampled: sampling.isSampled ?? false, debug: sampling == .debug,
            injectFormats: inject, requestID: requestID, errors: extraction.errors
        )
    }

    /// Replaces every trace header of the configured formats (so a malformed one is never
    /// forwarded as if valid) with the decision's context, and sets `x-request-id`.
    public func rewrite(_ headers: inout some HeaderSetter, for decision: TraceDecision) {
        headers.remove(lowercasedNames: ownedHeaderNames)
        propagation.inject(decision.context, into: &headers, formats: decision.injectFormats)
        headers.set(decision.requestID, forLowercasedName: TraceHeaders.requestID)
    }
}

extension PropagationFormatName {
    public var format: PropagationFormat {
        switch self {
        case .b3multi: .b3Multi
        case .b3single: .b3Single
        case .w3c: .w3c
        }
    }
}
