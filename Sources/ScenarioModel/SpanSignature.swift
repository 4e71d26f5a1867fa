import Zipkin

/// What identifies a sidecar span in a trace independent of its ids: kind, reporting
/// service, node (version) and, for a CLIENT span, the destination. The verifier compares
/// these multisets to know which spans of a request are still missing.
public struct SpanSignature: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// CLIENT and SERVER spans of the sidecars; APP for an app's own local spans (`--app-spans`).
    public enum Role: String, Hashable, Sendable {
        case client = "CLIENT"
        case server = "SERVER"
        case app = "APP"
    }

    public var kind: Role
    public var service: String
    /// `node_id` of the reporting sidecar (`reviews-v2`), nil when unknown.
    public var node: String?
    /// Destination service of a CLIENT span.
    public var remote: String?

    public init(kind: Role, service: String, node: String? = nil, remote: String? = nil) {
        self.kind = kind
        self.service = service
        self.node = node
        self.remote = remote
    }

    /// The signature of a sidecar span; nil for app spans (not reported by a proxy) and spans
    /// without a kind or service.
    public init?(span: ZipkinSpan) {
        guard let service = span.localServiceName else { return nil }
        if span.tags["component"] == "app" {
            self.init(kind: .app, service: service, node: span.tags["node_id"], remote: span.tags["peer.service"])
            return
        }
        switch span.kind {
        case .client: self.init(kind: .client, service: service, node: span.tags["node_id"], remote: span.calleeServiceName)
        case .server: self.init(kind: .server, service: service, node: span.tags["node_id"])
        default: return nil
        }
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
        case .app: return remote.map { "APP \(who) call \($0)" } ?? "APP \(who) handler"
        case .server: return "SERVER \(who)"
        }
    }

    public static func < (lhs: SpanSignature, rhs: SpanSignature) -> Bool { lhs.description < rhs.description }
}
