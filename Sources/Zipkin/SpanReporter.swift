/// Takes finished spans off the request path.
///
/// `report` must never block or fail the caller: an implementation that cannot keep up drops
/// the span and counts it (the proxy's contract: tracing never breaks a request).
public protocol SpanReporter: Sendable {
    func report(_ span: ZipkinSpan)
}

/// A reporter that keeps nothing, for `--zipkin` unset and for tests of untraced paths.
public struct DiscardingSpanReporter: SpanReporter {
    public init() {}
    public func report(_ span: ZipkinSpan) {}
}
