import Testing
import Zipkin
@testable import TraceAnalysis

/// Traces as TraceLab's Envoy sidecars (compose/docker-compose.envoy.yaml) report them: the
/// real Envoy 1.40 span shape (no remoteEndpoint, `upstream_cluster` tags, the host as name),
/// with the compose configs' Istio-style cluster names.
@Suite struct EnvoySpanShapeTests {
    typealias F = SpanFactory

    /// The bookinfo B3 trace with every CLIENT span reshaped like the real Envoy CLIENT span of
    /// the fixture: its tags, the callee's host as name, and no remote endpoint.
    func envoyBookinfo() throws -> [ZipkinSpan] {
        let real = try #require(try F.fixture("envoy-1.40-client-spans.json").first { $0.kind == .client })
        #expect(real.remoteEndpoint == nil && real.tags["upstream_cluster"] != nil)
        let clusters = ["details": "outbound|15004|v1|details", "reviews": "outbound|15012|v2|reviews", "ratings": "outbound|15020|v1|ratings"]
        return F.bookinfoB3().map { span in
            guard span.kind == .client, let callee = span.remoteServiceName else { return span }
            var envoy = span
            var tags = real.tags
            tags["node_id"] = span.tags["node_id"]
            tags["guid:x-request-id"] = span.tags["guid:x-request-id"]
            tags["upstream_cluster"] = clusters[callee]
            tags["upstream_cluster.name"] = clusters[callee]
            envoy.tags = tags
            envoy.name = callee
            envoy.remoteEndpoint = nil
            return envoy
        }
    }

    @Test("a whole Envoy trace is complete: every CLIENT span's callee comes from its cluster")
    func complete() throws {
        let spans = try envoyBookinfo()
        #expect(spans.allSatisfy { $0.remoteEndpoint == nil })
        let verdict = TraceAnalyzer.analyze(spans)
        #expect(verdict.complete)
        #expect(verdict.findings.isEmpty)
        #expect(spans.filter { $0.kind == .client }.map(\.calleeGuess) == ["details", "reviews", "ratings"])
    }

    @Test("a missing SERVER side is named by the service in the cluster, not the cluster")
    func unansweredHop() throws {
        let spans = try envoyBookinfo().filter { !($0.kind == .server && $0.localServiceName == "ratings") }
        let verdict = TraceAnalyzer.analyze(spans)
        #expect(!verdict.complete)
        #expect(verdict.findings.first?.hop == "reviews-v2 -> ratings")
    }
}
