/// Who a CLIENT span called, for every reader that matches hops by callee (the scenario
/// verifier, the trace analysis).
extension ZipkinSpan {
    /// `remoteEndpoint.serviceName`, else, for a CLIENT span, the service named by an Istio-style
    /// `upstream_cluster` tag. Envoy's Zipkin tracer records no remoteEndpoint: the cluster it
    /// routed to is all its CLIENT spans say about the callee, so TraceLab's Envoy configs name
    /// their clusters as Istio does (`outbound|15004|v1|details`). nil when neither is there.
    public var calleeServiceName: String? {
        if let remote = remoteServiceName, !remote.isEmpty { return remote }
        guard kind == .client, let cluster = tags["upstream_cluster"] else { return nil }
        return Self.istioClusterService(cluster)
    }

    /// The service of an Istio-style cluster name, `DIRECTION|PORT|SUBSET|HOST`: HOST's first DNS
    /// label, lower-cased (`outbound|9080|v2|reviews.default.svc.cluster.local` → `reviews`).
    /// nil for any other name: a plain cluster name (`details-v1`, `app`) says nothing reliable
    /// about the service.
    public static func istioClusterService(_ cluster: String) -> String? {
        let parts = cluster.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "outbound" || parts[0] == "inbound",
              let label = parts[3].split(separator: ".").first, !label.isEmpty else { return nil }
        return label.lowercased()
    }
}
