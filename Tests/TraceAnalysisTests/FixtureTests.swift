import Testing
import Zipkin
@testable import TraceAnalysis

/// The real bodies Envoy 1.40 and OpenTelemetry Python posted (Tests/ZipkinTests/Fixtures).
@Suite("real Envoy and OpenTelemetry spans")
struct FixtureTests {
    @Test("Envoy SERVER spans replaying one fixed b3 header collide and are named as reused context")
    func envoyServerSpans() throws {
        let set = TraceAnalyzer.analyze(spansOfManyTraces: try SpanFactory.fixture("envoy-1.40-server-spans.json"))
        #expect(set.traces.count == 4)
        let single = set.traces.filter { $0.spanCount == 1 }
        #expect(single.count == 3)
        #expect(single.filter { $0.complete }.count == 2, "\(single.map(\.findings))")
        // curl sent x-b3-parentspanid 0020000000000001, a span nobody reported.
        let orphan = try #require(set.verdict(for: "463ac35c9f6413ad48485a3953bb6124"))
        #expect(orphan.findings.map(\.kind) == [.orphan])
        #expect(orphan.findings.first?.cause.contains("the caller's span was never reported") == true)
        let replayed = try #require(set.verdict(for: "463ac35c9f6413ad"))
        #expect(!replayed.complete)
        #expect(replayed.findings.map(\.code).sorted { $0.rawValue < $1.rawValue } == [.multipleRoots, .reusedContext])
        #expect(replayed.findings.first { $0.code == .reusedContext }?.hop == "? -> demo-sidecar")
        #expect(set.links.isEmpty)
    }

    @Test("an Envoy egress CLIENT span without incoming context is a fragment")
    func envoyClientSpans() throws {
        let set = TraceAnalyzer.analyze(spansOfManyTraces: try SpanFactory.fixture("envoy-1.40-client-spans.json"))
        let root = try #require(set.verdict(for: "4612225623861e70"))
        #expect(root.findings.map(\.kind) == [.fragment, .unansweredClient])
        #expect(root.findings.first?.hop == "sidecar-1 -> app")
        // The other two point at a parent that was never reported.
        let orphaned = try #require(set.verdict(for: "463ac35c9f6413ad"))
        #expect(orphaned.findings.contains { $0.kind == .orphan && $0.code == .orphan })
    }

    @Test("OpenTelemetry client spans joined by Envoy's shared SERVER span make a complete trace")
    func otelIngress() throws {
        let spans = try SpanFactory.fixture("otel-python-1.45-zipkin-spans.json")
        let ingress = spans.filter { $0.traceID.hex == "438ed98a9c8fec0b2357180c0b981f04" }
        #expect(ingress.count == 2)
        let verdict = TraceAnalyzer.analyze(ingress)
        #expect(verdict.complete, "\(verdict.findings)")
        #expect(verdict.hops.map(\.label) == ["otel-client -> demo-sidecar"])
        #expect(verdict.hops.first?.shared == true)
    }

    @Test("an OTel CLIENT span through Envoy egress to an uninstrumented app")
    func otelEgress() throws {
        let spans = try SpanFactory.fixture("otel-python-1.45-zipkin-spans.json")
        let egress = spans.filter { $0.traceID.hex == "5df55900ab24620fc5242586bd052ba5" }
        let strict = TraceAnalyzer.analyze(egress)
        #expect(strict.findings.map(\.kind) == [.unansweredClient])
        #expect(strict.findings.first?.hop == "sidecar-1 -> app")
        #expect(strict.hops.map(\.label) == ["sidecar-1 -> app"])
        #expect(TraceAnalyzer.analyze(egress, options: .init(uninstrumentedServices: ["app"])).complete)
    }

    @Test("every fixture trace analyses without trapping and renders as ASCII")
    func allFixtures() throws {
        for name in ["envoy-1.40-server-spans.json", "envoy-1.40-client-spans.json", "otel-python-1.45-zipkin-spans.json"] {
            let spans = try SpanFactory.fixture(name)
            let set = TraceAnalyzer.analyze(spansOfManyTraces: spans)
            #expect(set.traces.map(\.spanCount).reduce(0, +) == spans.count)
            for verdict in set.traces {
                let text = ASCIIWaterfall.render(spans: spans.filter { $0.traceID.hex == verdict.traceID }, verdict: verdict, width: 100)
                #expect(text.utf8.allSatisfy { $0 == 0x0A || (0x20...0x7E).contains($0) })
            }
        }
    }
}
