import Zipkin

/// What identifies a sidecar span in a trace independent of its ids: kind, reporting
/// service, node (version) and, for a CLIENT span, the destination. The verifier compares
/// these multisets to know which spans of a request are still missing.
public struct SpanSignature: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var kind: ZipkinSpan.Kind
    public var service: String
    /// `node_id` of the reporting sidecar (`reviews-v2`), nil when unknown.
    public var node: String?
    /// Destination service of a CLIENT span.
    public var remote: String?

    public init(kind: ZipkinSpan.Kind, service: String, node: String? = nil, remote: String? = nil) {
        self.kind = kind
        self.service = service
        self.node = node
        self.remote = remote
    }

    /// The signature of a sidecar span; nil for app spans (not reported by a proxy) and spans
    /// without a kind or service.
    public init?(span: ZipkinSpan) {
        guard let kind = span.kind, kind == .client || kind == .server, let service = span.localServiceName else { return nil }
        if let component = span.tags["component"], component != "proxy" { return nil }
        self.init(kind: kind, service: service, node: span.tags["node_id"], remote: kind == .client ? span.remoteServiceName : nil)
    }

    /// Whether an observed signature stands for this expected one (an observed span without
    /// `node_id` matches any version).
    public func isMatched(by observed: SpanSignature) -> Bool {
        kind == observed.kind && service == observed.service && remote == observed.remote
            && (observed.node == nil || node == nil || node == observed.node)
    }

    public var description: String {
        let who = node ?? service
        switch kind {
        case .client: return "CLIENT \(who) -> \(remote ?? "?")"
        default: return "\(kind.rawValue) \(who)"
        }
    }

    public static func < (lhs: SpanSignature, rhs: SpanSignature) -> Bool { lhs.description < rhs.description }
}
