import Zipkin

/// Accepts spans for storage (Jaeger's `spanstore.Writer`, Zipkin's `SpanConsumer`).
///
/// Contract for every backend:
/// - Spans of one trace may arrive in any order and in any number of batches; readers see
///   them merged into one trace.
/// - A span is identified by (trace id, span id, kind, shared, local service). Writing the
///   same identity twice merges the two reports (fields of the later report fill in what the
///   earlier one lacked, tags and annotations are united) instead of keeping duplicates.
/// - Both sides of a shared B3 hop (a CLIENT and a `shared` SERVER with the same id) differ in
///   kind, so they are kept as two spans under the same id, as Zipkin does.
/// - `write` never drops spans silently: a bounded backend evicts whole old traces and counts
///   them in `SpanStoreStats`.
public protocol SpanWriter: Sendable {
    func write(_ spans: [ZipkinSpan]) async throws(SpanStoreError)

    /// `write(_:)` given each span's JSON as it was received (`receivedJSON[i]` decodes to
    /// `spans[i]`): a store that keeps span JSON stores these bytes instead of encoding the span
    /// again. Merged spans are still encoded.
    func write(_ spans: [ZipkinSpan], receivedJSON: [ArraySlice<UInt8>]) async throws(SpanStoreError)
}

extension SpanWriter {
    public func write(_ spans: [ZipkinSpan], receivedJSON: [ArraySlice<UInt8>]) async throws(SpanStoreError) {
        try await write(spans)
    }
}
