/// Header names of every propagation format, lower case, as they are emitted.
public enum TraceHeaders {
    public static let requestID = "x-request-id"
    public static let b3TraceID = "x-b3-traceid"
    public static let b3SpanID = "x-b3-spanid"
    public static let b3ParentSpanID = "x-b3-parentspanid"
    public static let b3Sampled = "x-b3-sampled"
    public static let b3Flags = "x-b3-flags"
    public static let b3 = "b3"
    public static let otSpanContext = "x-ot-span-context"
    public static let traceparent = "traceparent"
    public static let tracestate = "tracestate"
    public static let uberTraceID = "uber-trace-id"

    /// The headers an application must copy from its incoming request onto every outgoing call
    /// for the mesh to join the hops into one trace (the list Istio's bookinfo forwards).
    /// Services, the proxy's docs and the lessons all use this one list.
    public static let forwarded: [String] = [
        requestID,
        b3TraceID, b3SpanID, b3ParentSpanID, b3Sampled, b3Flags,
        b3,
        otSpanContext,
        traceparent, tracestate,
    ]

    /// The B3 headers of both encodings (what the `drop-b3` lesson removes).
    public static let allB3: [String] = [b3TraceID, b3SpanID, b3ParentSpanID, b3Sampled, b3Flags, b3]

    /// Every header any format of this module writes, for clearing a carrier before injecting.
    public static let all: [String] = forwarded + [uberTraceID]
}
