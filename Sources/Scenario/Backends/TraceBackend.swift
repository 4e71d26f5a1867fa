import Zipkin

/// Where the scenario verifier reads traces back from: TraceLab's collector, a Zipkin server,
/// or Jaeger's query service.
///
/// Every backend answers in TraceLab's span model (`ZipkinSpan`) so the verifier judges a
/// trace the same way whichever store kept it. A backend only reads; spans get there through
/// the sidecars' `--zipkin` endpoint.
///
/// Contract (as Jaeger's storage readers state theirs): an unknown trace id is not an error,
/// it is an empty array — the verifier polls until the spans of a fresh trace have been
/// flushed, so "not there yet" must be cheap to tell apart from "the backend is down", which
/// throws a `TraceBackendError` naming the URL.
public protocol TraceBackend: Sendable {
    /// The spans of one trace, in the order the backend returned them; `[]` when the backend
    /// does not know the id (yet).
    func trace(id: String) async throws -> [ZipkinSpan]

    /// Recent traces, newest first as the backend orders them, at most `limit` of them.
    ///
    /// - Parameters:
    ///   - serviceName: only traces with a span of this service; nil for every service.
    ///   - lookback: how far back from now to search.
    ///   - limit: the most traces to return.
    func traces(serviceName: String?, lookback: Duration, limit: Int) async throws -> [[ZipkinSpan]]
}
