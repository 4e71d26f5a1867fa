import Zipkin

/// What the analysis reads from a span's tags, in one place so every check agrees.
extension ZipkinSpan {
    /// `localEndpoint.serviceName`, or `?` for a span without one.
    var serviceLabel: String { localServiceName ?? "?" }

    /// The `node_id` tag (Envoy and TraceLab's sidecar: `reviews-v2`), lower-cased.
    var nodeID: String? {
        guard let node = tags["node_id"], !node.isEmpty else { return nil }
        return node.lowercased()
    }

    /// How a hop names this span's side: its `node_id`, else its service.
    var nodeLabel: String { nodeID ?? serviceLabel }

    /// `guid:x-request-id`, as Envoy and TraceLab's sidecar tag it.
    var requestID: String? {
        guard let id = tags["guid:x-request-id"], !id.isEmpty else { return nil }
        return id
    }

    /// Reported by a sidecar (Envoy or TraceLab's proxy tag `component: proxy`).
    var isProxySpan: Bool { tags["component"] == "proxy" }

    /// OpenTelemetry's Zipkin exporter sets `debug: true` on every sampled span, so its flag
    /// says nothing about `x-b3-flags`.
    var debugFlagIsMeaningful: Bool { tags["telemetry.sdk.name"] == nil && tags["otel.library.name"] == nil }

    /// An `error` tag, or a 5xx status.
    var isError: Bool {
        if tags["error"] != nil { return true }
        if let status = tags["http.status_code"], let code = Int(status), code >= 500 { return true }
        return false
    }

    var statusCode: String? { tags["http.status_code"] }

    /// `CLIENT`, `SERVER`, … or `LOCAL` for a span without kind.
    var kindLabel: String { kind?.rawValue ?? "LOCAL" }

    /// Who a CLIENT span called when its SERVER side is unknown: `calleeServiceName` (the remote
    /// endpoint, or an Istio-style cluster as Envoy records it), else the first label of whatever
    /// `upstream_cluster` says.
    var calleeGuess: String {
        if let callee = calleeServiceName { return callee }
        if let cluster = tags["upstream_cluster"], !cluster.isEmpty {
            let host = cluster.split(separator: "|", omittingEmptySubsequences: false).last ?? Substring(cluster)
            let name = host.split(separator: ".").first.map(String.init) ?? String(host)
            return name.isEmpty ? "?" : name.lowercased()
        }
        return "?"
    }
}
