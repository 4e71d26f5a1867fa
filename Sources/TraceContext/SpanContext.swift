/// The identity of one span as it crosses a process boundary, independent of header format.
public struct SpanContext: Hashable, Sendable, CustomStringConvertible {
    public var traceID: TraceID
    public var spanID: SpanID
    /// The caller's span, when the format carries it (B3 does, W3C does not).
    public var parentSpanID: SpanID?
    public var sampling: SamplingState
    /// W3C `tracestate`, kept so that a proxy forwards vendors' entries untouched.
    public var traceState: TraceState?

    public init(traceID: TraceID, spanID: SpanID, parentSpanID: SpanID? = nil, sampling: SamplingState = .deferred, traceState: TraceState? = nil) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.sampling = sampling
        self.traceState = traceState
    }

    /// A child context: same trace, sampling and tracestate, a new span id, this span as parent.
    public func child<G: RandomNumberGenerator>(using generator: inout G) -> SpanContext {
        SpanContext(traceID: traceID, spanID: .random(using: &generator), parentSpanID: spanID, sampling: sampling, traceState: traceState)
    }

    public var description: String {
        "\(traceID.hex)/\(spanID.hex)\(parentSpanID.map { " parent \($0.hex)" } ?? "") \(sampling)"
    }
}
