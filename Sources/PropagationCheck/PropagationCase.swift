import TraceContext

/// One request `check-propagation` sends to the app: a known context written in one format,
/// with or without `x-request-id`, `tracestate` and `baggage`.
///
/// One format per case, so a header the app writes back can only have come from that case's
/// context (or from the app itself), and a verdict names the format that broke.
public struct PropagationCase: Hashable, Sendable {
    /// `b3multi/sampled-128`: the format, then what is special about the context.
    public var name: String
    public var format: PropagationFormat
    /// In words, for the report: `sampled, 128-bit trace id, parent span, x-request-id`.
    public var summary: String
    public var context: SpanContext
    public var requestID: String?
    public var baggage: String?
    /// Exactly what is sent, in order.
    public var headers: HeaderFields

    public init(name: String, format: PropagationFormat, summary: String, context: SpanContext, requestID: String?, baggage: String?) {
        self.name = name
        self.format = format
        self.summary = summary
        self.context = context
        self.requestID = requestID
        self.baggage = baggage
        var headers = HeaderFields()
        switch format {
        case .b3Multi:
            B3MultiHeaders.inject(context, into: &headers)
        case .b3Single:
            headers.set(B3SingleHeader.value(for: context), forLowercasedName: TraceHeaders.b3)
        case .w3c:
            headers.set(TraceParentHeader.value(for: context), forLowercasedName: TraceHeaders.traceparent)
            if let state = context.traceState, !state.isEmpty {
                headers.set(state.headerValue, forLowercasedName: TraceHeaders.tracestate)
            }
        case .otSpanContext:
            headers.set(OTSpanContextHeader.value(for: context), forLowercasedName: TraceHeaders.otSpanContext)
        case .jaeger:
            headers.set(UberTraceIDHeader.value(for: context), forLowercasedName: TraceHeaders.uberTraceID)
        }
        if let requestID { headers.set(requestID, forLowercasedName: TraceHeaders.requestID) }
        if let baggage { headers.set(baggage, forLowercasedName: PropagationCase.baggageHeader) }
        self.headers = headers
    }

    /// W3C Baggage; not a trace header the mesh needs, but apps that forward W3C should keep it.
    public static let baggageHeader = "baggage"

    /// The trace headers this case sent, in the order reports list headers.
    public var sentHeaderNames: [String] {
        PropagationCase.reportOrder.filter { headers.firstValue(forLowercasedName: $0) != nil }
    }

    /// Every header a report may have a table for, in Istio's list order, then baggage.
    public static let reportOrder: [String] = TraceHeaders.forwarded + [TraceHeaders.uberTraceID, baggageHeader]
}
