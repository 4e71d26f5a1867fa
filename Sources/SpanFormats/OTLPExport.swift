import Zipkin

/// What an OTLP `ExportTraceServiceRequest` yielded: the spans to store, and the spans left out
/// (an id of the wrong size, say), which the collector reports back as a partial success
/// (`ExportTracePartialSuccess`) while storing the rest, as the OTLP specification asks.
public struct OTLPExport: Sendable, Hashable {
    public var spans: [ZipkinSpan]
    public var rejectedSpans: Int
    /// Why the first rejected span was left out and where it was; nil when none was.
    public var rejectionMessage: String?

    public init(spans: [ZipkinSpan] = [], rejectedSpans: Int = 0, rejectionMessage: String? = nil) {
        self.spans = spans
        self.rejectedSpans = rejectedSpans
        self.rejectionMessage = rejectionMessage
    }
}
