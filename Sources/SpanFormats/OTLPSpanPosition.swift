/// Where a span sits in an `ExportTraceServiceRequest`; errors name it as OTLP/JSON's path.
struct OTLPSpanPosition: Hashable, Sendable, CustomStringConvertible {
    var resource: Int
    var scope: Int
    var span: Int

    var description: String { "resourceSpans[\(resource)].scopeSpans[\(scope)].spans[\(span)]" }
}
