/// How ``HTTPSpanReporter`` gets a batch's body to the collector: one POST, its status back.
///
/// The sidecar posts over plain HTTP/1.1 with ``HTTP1SpanPoster`` (a few hundred lines on
/// NIO), so its executable leaves out AsyncHTTPClient, TLS and HTTP/2; whatever needs more
/// (an https:// collector) brings its own transport.
public protocol SpanPostTransport: Sendable {
    /// The full POST URL, for logs.
    var endpoint: String { get }

    /// POSTs `body` and returns the response's status code once the whole response has
    /// arrived. Throws when no complete response came within `timeout`.
    func post(_ body: [UInt8], contentType: String, timeout: Duration) async throws(SpanPostError) -> Int

    /// Closes what the transport holds open; a post after it fails.
    func shutdown() async
}
