import Testing
import Zipkin

/// `calleeServiceName`: who a CLIENT span called, from its remote endpoint or, as Envoy reports
/// it (no remoteEndpoint), from an Istio-style `upstream_cluster`.
@Suite struct ZipkinSpanCalleeTests {
    /// The first CLIENT span real Envoy 1.40 sent (tags `upstream_cluster: app`, no remoteEndpoint).
    func envoyClient() throws -> ZipkinSpan {
        let spans = try ZipkinJSONDecoder().decodeSpans(try Fixtures.bytes("envoy-1.40-client-spans"))
        return try #require(spans.first { $0.kind == .client })
    }

    @Test("Envoy's CLIENT span names its callee through an Istio-style cluster, as compose/envoy names them")
    func envoyIstioCluster() throws {
        var span = try envoyClient()
        #expect(span.remoteEndpoint == nil, "the fixture is what Envoy sends: no remoteEndpoint")
        #expect(span.calleeServiceName == nil, "a plain cluster name (`app`) says nothing about the service")
        span.tags["upstream_cluster"] = "outbound|15004|v1|details"
        #expect(span.calleeServiceName == "details")
        span.tags["upstream_cluster"] = "outbound|9080||Ratings.default.svc.cluster.local"
        #expect(span.calleeServiceName == "ratings")
    }

    @Test("a remote endpoint wins; SERVER spans and other cluster names give no callee")
    func otherShapes() throws {
        var span = try envoyClient()
        span.tags["upstream_cluster"] = "outbound|15004|v1|details"
        span.remoteEndpoint = ZipkinEndpoint(serviceName: "reviews")
        #expect(span.calleeServiceName == "reviews")
        span.remoteEndpoint = nil
        span.kind = .server
        #expect(span.calleeServiceName == nil, "a SERVER span's upstream cluster is its own app")
        span.kind = .client
        for name in ["details-v1", "outbound|15004|details", "outbound|15004|v1|", "egress|15004|v1|details", "outbound|15004|v1|details|x", ""] {
            span.tags["upstream_cluster"] = name
            #expect(span.calleeServiceName == nil, "\(name)")
        }
    }
}
