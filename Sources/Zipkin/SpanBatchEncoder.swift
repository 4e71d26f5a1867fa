/// Turns a batch of spans into one POST body. A reporter takes any of them, so the same
/// batching, bounding and counting serve Zipkin JSON, Zipkin proto3 and OTLP (whose encoder
/// lives with the OTLP model, away from the proxy's dependencies).
public protocol SpanBatchEncoder: Sendable {
    /// The `Content-Type` of the body.
    var contentType: String { get }
    func encode(_ spans: [ZipkinSpan]) -> [UInt8]
}

extension ZipkinEncoding: SpanBatchEncoder {}
