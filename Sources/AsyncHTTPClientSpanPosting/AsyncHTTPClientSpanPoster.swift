import AsyncHTTPClient
import NIOCore
import ZipkinHTTPReporter

/// Posts span batches with AsyncHTTPClient: https:// collectors, and the lab services, which
/// hold an `HTTPClient` for their own calls anyway. The sidecar's lean executable uses
/// ``HTTP1SpanPoster`` instead and leaves this (with TLS and HTTP/2) out.
public final class AsyncHTTPClientSpanPoster: SpanPostTransport {
    public let endpoint: String
    private let httpClient: HTTPClient
    private let ownsClient: Bool

    /// Posts through `httpClient`, which the caller owns and shuts down.
    public init(endpoint: String, httpClient: HTTPClient) {
        self.endpoint = endpoint
        self.httpClient = httpClient
        self.ownsClient = false
    }

    /// Posts through a client of its own on `eventLoopGroup`, shut down by ``shutdown()``.
    /// A batch gets one try: when the collector refuses the connection the batch fails at
    /// once, instead of AsyncHTTPClient retrying the connect with backoff until the request
    /// timeout while the queue fills behind it.
    public init(endpoint: String, eventLoopGroup: any EventLoopGroup, connectTimeout: Duration = .seconds(1)) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = TimeAmount(connectTimeout)
        self.endpoint = endpoint
        self.httpClient = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
        self.ownsClient = true
    }

    public func post(_ body: [UInt8], contentType: String, timeout: Duration) async throws(SpanPostError) -> Int {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "content-type", value: contentType)
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(timeout))
            // Drain the body so the connection returns to the pool.
            _ = try await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        } catch {
            throw SpanPostError(.transport("\(error)"))
        }
    }

    public func shutdown() async {
        guard ownsClient else { return }
        try? await httpClient.shutdown()
    }
}
