import AsyncHTTPClient

/// `TraceBackendTransport` over AsyncHTTPClient, with a bounded wait and a bounded body so a
/// hung or misbehaving backend fails the run with a message instead of stalling it.
public struct HTTPClientTraceBackendTransport: TraceBackendTransport {
    public let httpClient: HTTPClient
    public let timeout: Duration
    public let maximumBodyBytes: Int

    /// - Parameters:
    ///   - httpClient: the client to use; the caller owns its lifecycle.
    ///   - timeout: the longest one GET may take, connect to last byte.
    ///   - maximumBodyBytes: larger answers are an error (a search for thousands of traces
    ///     should be narrowed with `limit`).
    public init(httpClient: HTTPClient = .shared, timeout: Duration = .seconds(10), maximumBodyBytes: Int = 64 << 20) {
        self.httpClient = httpClient
        self.timeout = timeout
        self.maximumBodyBytes = maximumBodyBytes
    }

    public func get(_ url: String) async throws(TraceBackendError) -> TraceBackendResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        let (seconds, attoseconds) = timeout.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .milliseconds(max(1, milliseconds)))
        } catch {
            throw TraceBackendError(.unreachable(url: url, underlying: String(describing: error)))
        }
        do {
            let body = try await response.body.collect(upTo: maximumBodyBytes)
            let bytes = body.getBytes(at: body.readerIndex, length: body.readableBytes) ?? []
            return TraceBackendResponse(status: Int(response.status.code), body: bytes)
        } catch {
            throw TraceBackendError(.invalidResponse(
                url: url, why: "the body could not be read whole (more than \(maximumBodyBytes) bytes, or cut off): \(error)"
            ))
        }
    }
}
