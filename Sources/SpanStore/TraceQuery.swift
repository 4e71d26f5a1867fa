import Zipkin

/// The filters of Zipkin's `GET /api/v2/traces`, validated.
///
/// A trace matches when one of its spans matches every span condition at once (service,
/// span name, annotation query, duration range) and that span's timestamp lies in the window
/// `[endTs - lookback, endTs]`. Times are epoch milliseconds like the API; durations are
/// microseconds like spans.
public struct TraceQuery: Hashable, Sendable {
    /// `localEndpoint.serviceName` of the matching span (lower-case), or any.
    public var serviceName: String?
    /// `remoteEndpoint.serviceName` of the matching span, or any.
    public var remoteServiceName: String?
    /// Span name (compared lower-cased, as Zipkin does), or any.
    public var spanName: String?
    public var annotationQuery: AnnotationQuery
    /// Microseconds, inclusive.
    public var minDuration: UInt64?
    /// Microseconds, inclusive.
    public var maxDuration: UInt64?
    /// Epoch milliseconds, the end of the window.
    public var endTs: UInt64
    /// Milliseconds before `endTs` that the window covers.
    public var lookback: UInt64
    /// Maximum number of traces, at least 1.
    public var limit: Int

    public init(
        serviceName: String? = nil, remoteServiceName: String? = nil, spanName: String? = nil,
        annotationQuery: AnnotationQuery = AnnotationQuery(terms: []),
        minDuration: UInt64? = nil, maxDuration: UInt64? = nil,
        endTs: UInt64, lookback: UInt64, limit: Int = 10
    ) throws(SpanStoreError) {
        if let minDuration, let maxDuration, minDuration > maxDuration {
            throw SpanStoreError(.invalidQuery("minDuration \(minDuration) is greater than maxDuration \(maxDuration)"))
        }
        guard limit > 0 else { throw SpanStoreError(.invalidQuery("limit must be at least 1, got \(limit)")) }
        self.serviceName = serviceName.flatMap { $0.isEmpty || $0 == "all" ? nil : $0.lowercased() }
        self.remoteServiceName = remoteServiceName.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        self.spanName = spanName.flatMap { $0.isEmpty || $0 == "all" ? nil : $0.lowercased() }
        self.annotationQuery = annotationQuery
        self.minDuration = minDuration
        self.maxDuration = maxDuration
        self.endTs = endTs
        self.lookback = lookback
        self.limit = limit
    }

    /// Window start in epoch microseconds.
    public var windowStartMicros: UInt64 { (endTs > lookback ? endTs - lookback : 0) * 1000 }
    /// Window end in epoch microseconds (inclusive to the end of that millisecond).
    public var windowEndMicros: UInt64 { endTs * 1000 + 999 }

    /// True when `span` meets every span-level condition and lies in the window.
    public func matches(_ span: ZipkinSpan) -> Bool {
        if let serviceName, span.localServiceName != serviceName { return false }
        if let remoteServiceName, span.remoteServiceName != remoteServiceName { return false }
        if let spanName, span.name?.lowercased() != spanName { return false }
        if let minDuration {
            guard let duration = span.duration, duration >= minDuration else { return false }
        }
        if let maxDuration {
            guard let duration = span.duration, duration <= maxDuration else { return false }
        }
        guard let timestamp = span.timestamp, timestamp >= windowStartMicros, timestamp <= windowEndMicros else { return false }
        return annotationQuery.matches(span)
    }
}
