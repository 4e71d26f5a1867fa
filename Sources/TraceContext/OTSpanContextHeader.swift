/// `x-ot-span-context: {trace-id};{span-id};{parent-span-id}`, the OpenTracing context that
/// Envoy's LightStep tracer propagates and that Istio asks apps to forward.
///
/// It carries no sampling decision; ids follow the B3 rules (lower hex, right length, not
/// zero); a parent of sixteen zeros, or none, means no parent.
public enum OTSpanContextHeader {
    public static func extract(_ value: String) throws(TraceContextError) -> SpanContext {
        if value.isEmpty { throw TraceContextError(.empty, field: .otSpanContext, input: value) }
        if value.utf8.count > 32 + 16 + 16 + 2 { throw TraceContextError(.tooLong, field: .otSpanContext, input: value) }
        let parts = value.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else {
            throw TraceContextError(parts.count < 2 ? .truncated : .tooLong, field: .otSpanContext, input: value)
        }
        let traceID = try TraceID(hex: String(parts[0]))
        let spanID = try SpanID(hex: String(parts[1]))
        var parent: SpanID?
        if parts.count == 3 && parts[2] != "0000000000000000" {
            parent = try SpanID(hex: String(parts[2]))
        }
        return SpanContext(traceID: traceID, spanID: spanID, parentSpanID: parent)
    }

    public static func value(for context: SpanContext) -> String {
        "\(context.traceID.hex);\(context.spanID.hex);\(context.parentSpanID?.hex ?? "0000000000000000")"
    }
}
