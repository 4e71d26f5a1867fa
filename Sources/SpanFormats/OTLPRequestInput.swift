/// The parts of an `ExportTraceServiceRequest` that the Zipkin mapping reads (`OTLPSpanMapper`),
/// whether they came off the wire (`OTLPProtobufReader`) or from SwiftProtobuf's message
/// (OTLP/JSON, and the oracle tests compare the wire reader with).
struct OTLPRequestInput {
    struct ResourceSpans {
        var resourceAttributes: [OTLPKeyValue] = []
        var scopeSpans: [ScopeSpans] = []
    }

    struct ScopeSpans {
        /// Nil when the message has no `scope` field.
        var scope: (name: String, version: String)?
        var spans: [Span] = []
    }

    struct Span {
        var traceID: ArraySlice<UInt8> = []
        var spanID: ArraySlice<UInt8> = []
        var parentSpanID: ArraySlice<UInt8> = []
        var name = ""
        /// `SpanKind`'s number: 2 server, 3 client, 4 producer, 5 consumer.
        var kind: Int32 = 0
        var startTimeUnixNano: UInt64 = 0
        var endTimeUnixNano: UInt64 = 0
        var attributes: [OTLPKeyValue] = []
        var droppedAttributesCount: UInt32 = 0
        var events: [Event] = []
        var droppedEventsCount: UInt32 = 0
        var droppedLinksCount: UInt32 = 0
        /// `Status.StatusCode`'s number: 1 OK, 2 ERROR.
        var statusCode: Int32 = 0
        var statusMessage = ""
    }

    struct Event {
        var timeUnixNano: UInt64 = 0
        var name = ""
        var attributes: [OTLPKeyValue] = []
    }

    var resourceSpans: [ResourceSpans] = []
}

extension OTLPRequestInput {
    init(_ request: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest) {
        resourceSpans = request.resourceSpans.map { resourceSpans in
            ResourceSpans(
                resourceAttributes: resourceSpans.resource.attributes.map(OTLPKeyValue.init),
                scopeSpans: resourceSpans.scopeSpans.map { scopeSpans in
                    ScopeSpans(
                        scope: scopeSpans.hasScope ? (scopeSpans.scope.name, scopeSpans.scope.version) : nil,
                        spans: scopeSpans.spans.map(Span.init)
                    )
                }
            )
        }
    }
}

extension OTLPRequestInput.Span {
    init(_ span: Opentelemetry_Proto_Trace_V1_Span) {
        traceID = ArraySlice(span.traceID)
        spanID = ArraySlice(span.spanID)
        parentSpanID = ArraySlice(span.parentSpanID)
        name = span.name
        kind = Int32(truncatingIfNeeded: span.kind.rawValue)
        startTimeUnixNano = span.startTimeUnixNano
        endTimeUnixNano = span.endTimeUnixNano
        attributes = span.attributes.map(OTLPKeyValue.init)
        droppedAttributesCount = span.droppedAttributesCount
        events = span.events.map { OTLPRequestInput.Event(timeUnixNano: $0.timeUnixNano, name: $0.name, attributes: $0.attributes.map(OTLPKeyValue.init)) }
        droppedEventsCount = span.droppedEventsCount
        droppedLinksCount = span.droppedLinksCount
        statusCode = Int32(truncatingIfNeeded: span.status.code.rawValue)
        statusMessage = span.status.message
    }
}
