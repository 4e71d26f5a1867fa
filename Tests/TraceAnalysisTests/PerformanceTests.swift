import Testing
import TraceContext
import Zipkin
@testable import TraceAnalysis

private typealias F = SpanFactory

/// Sizes the analysis must handle. These print how long they took (read them with
/// `swift test --filter TraceAnalysisTests.PerformanceTests`) but assert only results: speed
/// is a figure to report, not something a shared CI machine can time reliably.
@Suite("large traces")
struct PerformanceTests {
    /// A root calling 2 500 services, each calling one more: 10 001 spans, B3 shared ids.
    static func wideTrace() -> [ZipkinSpan] {
        var spans = [F.sidecar(1, .server, service: "productpage", from: 0, to: 10_000)]
        for call in 0..<2_500 {
            let base = UInt64(call) * 4 + 10
            let start = Double(call) * 4
            let service = "svc-\(call % 50)"
            spans.append(F.sidecar(base, parent: 1, .client, service: "productpage", remote: service, from: start, to: start + 3))
            spans.append(F.sidecar(base, parent: 1, .server, service: service, from: start + 0.1, to: start + 2.9, shared: true))
            spans.append(F.sidecar(base + 1, parent: base, .client, service: service, remote: "leaf", from: start + 1, to: start + 2))
            spans.append(F.sidecar(base + 1, parent: base, .server, service: "leaf", from: start + 1.1, to: start + 1.9, shared: true))
        }
        return spans
    }

    @Test("a 10 000-span trace is analysed and rendered")
    func tenThousandSpans() {
        let spans = Self.wideTrace().shuffled(seed: 42)
        let clock = ContinuousClock()
        var verdict: TraceVerdict?
        let analysis = clock.measure { verdict = TraceAnalyzer.analyze(spans) }
        var text = ""
        let rendering = clock.measure { text = ASCIIWaterfall.render(spans: spans, verdict: verdict, width: 120) }
        print("TraceAnalysis: analyze(\(spans.count) spans) took \(analysis); ASCIIWaterfall.render took \(rendering)")
        #expect(verdict?.complete == true)
        #expect(verdict?.hops.count == 5_000)
        #expect(verdict?.criticalPath.durationMicroseconds == 10_000_000)
        #expect(text.split(separator: "\n").count > 10_000)
    }

    @Test("a 10 000-span trace full of defects is analysed too")
    func tenThousandBrokenSpans() {
        // Every SERVER side lost: 5 000 unanswered calls, the inner ones hanging from the outer.
        let spans = Self.wideTrace().filter { $0.kind != .server || $0.parentID == nil }
        let clock = ContinuousClock()
        var verdict: TraceVerdict?
        let analysis = clock.measure { verdict = TraceAnalyzer.analyze(spans) }
        print("TraceAnalysis: analyze(\(spans.count) spans, all calls unanswered) took \(analysis)")
        #expect(verdict?.findings.filter { $0.kind == .unansweredClient }.count == 5_000)
        #expect(verdict?.findings.count == 5_000)
    }

    @Test("1 000 traces are judged together for split hops")
    func thousandTraces() {
        var traces: [[ZipkinSpan]] = []
        for request in 0..<500 {
            let requestID = "00000000-0000-4000-8000-\(String(repeating: "0", count: 12 - String(request).count))\(request)"
            let shift = Double(request) * 200
            let traceA = TraceID(high: 1, low: UInt64(request) + 1)!
            let traceB = TraceID(high: 2, low: UInt64(request) + 1)!
            traces.append(SplitFixtures.callerPart.map { span in
                var copy = span
                copy.traceID = traceA
                copy.timestamp = span.timestamp.map { $0 + UInt64(shift * 1000) }
                copy.tags["guid:x-request-id"] = requestID
                return copy
            })
            traces.append(SplitFixtures.dropB3.map { span in
                var copy = span
                copy.traceID = traceB
                copy.timestamp = span.timestamp.map { $0 + UInt64(shift * 1000) }
                copy.tags["guid:x-request-id"] = requestID
                return copy
            })
        }
        let clock = ContinuousClock()
        var set: TraceSetVerdict?
        let analysis = clock.measure { set = TraceAnalyzer.analyze(traces: traces) }
        print("TraceAnalysis: analyze(traces: \(traces.count) traces, \(traces.map(\.count).reduce(0, +)) spans) took \(analysis)")
        #expect(set?.links.count == 500)
        #expect(set?.links.allSatisfy { $0.code == .missingB3 } == true)
    }
}
