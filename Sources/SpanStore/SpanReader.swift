import TraceContext
import Zipkin

/// Reads traces back (Jaeger's `spanstore.Reader`, Zipkin's `SpanStore` + `Traces`).
///
/// Contract for every backend:
/// - An empty array means "nothing matches", never an error; errors are storage failures.
/// - Name lists (`serviceNames`, `remoteServiceNames`, `spanNames`) are sorted ascending and
///   lower-case, as Zipkin's API returns them.
/// - A trace is returned as its merged spans (see `SpanWriter`), sorted by timestamp
///   (spans without one first), then by id, then CLIENT before SERVER for shared ids.
/// - `findTraces` returns at most `query.limit` traces, newest first (by the latest span
///   timestamp), each complete (every stored span of the trace, not only the matching ones).
public protocol SpanReader: Sendable {
    /// Every `localEndpoint.serviceName` seen (remote-only names are not services).
    func serviceNames() async throws(SpanStoreError) -> [String]
    /// `remoteEndpoint.serviceName`s of spans reported by `service`.
    func remoteServiceNames(service: String) async throws(SpanStoreError) -> [String]
    /// Span names reported by `service`.
    func spanNames(service: String) async throws(SpanStoreError) -> [String]
    /// Traces with at least one span matching every condition of `query` (see `TraceQuery`).
    func findTraces(_ query: TraceQuery) async throws(SpanStoreError) -> [[ZipkinSpan]]
    /// The spans of one trace; empty when the trace is unknown (the HTTP layer makes that a 404).
    func trace(id: TraceID) async throws(SpanStoreError) -> [ZipkinSpan]
    /// The known traces among `ids`, in the order of `ids`; unknown ids are skipped.
    func traces(ids: [TraceID]) async throws(SpanStoreError) -> [[ZipkinSpan]]
}
