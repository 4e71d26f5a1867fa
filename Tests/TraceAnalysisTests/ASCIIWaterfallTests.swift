import Testing
import Zipkin
@testable import TraceAnalysis

private typealias F = SpanFactory

@Suite("ASCII waterfall")
struct ASCIIWaterfallTests {
    private func lines(_ text: String) -> [Substring] { text.split(separator: "\n", omittingEmptySubsequences: false) }

    @Test("one line per span, indented under its parent, within the width", arguments: [60, 80, 100, 160])
    func layout(width: Int) {
        let spans = F.bookinfoB3()
        let text = ASCIIWaterfall.render(spans: spans, verdict: TraceAnalyzer.analyze(spans), width: width)
        let rows = lines(text).filter { $0.contains("|") && !$0.hasPrefix("SERVICE") }
        #expect(rows.count == spans.count)
        #expect(rows.first?.hasPrefix("productpage-v1 ") == true)
        #expect(rows.last?.hasPrefix("    ratings-v1") == true)
        #expect(lines(text).allSatisfy { $0.count <= width }, "\(lines(text).filter { $0.count > width })")
        if width >= 80 { #expect(text.hasPrefix("Trace 463ac35c9f6413ad48485a3953bb6124  7 spans  100ms  COMPLETE\n")) }
        #expect(text.contains("No problems found"))
    }

    @Test("bars are placed on the shared time axis")
    func bars() throws {
        let spans = [
            F.sidecar(1, .server, service: "productpage", from: 0, to: 100),
            F.sidecar(2, parent: 1, .client, service: "productpage", remote: "details", from: 50, to: 100),
        ]
        let text = ASCIIWaterfall.render(spans: spans, verdict: nil, width: 100)
        let rows = lines(text).filter { $0.contains("|") && !$0.hasPrefix("SERVICE") }
        let root = try #require(rows.first.flatMap { $0.split(separator: "|").dropFirst().first })
        let child = try #require(rows.last.flatMap { $0.split(separator: "|").dropFirst().first })
        #expect(root.allSatisfy { $0 == "=" })
        let firstBar = try #require(child.firstIndex(of: "="))
        #expect(child.distance(from: child.startIndex, to: firstBar) == child.count / 2)
        #expect(!text.contains("Findings"))
    }

    @Test("markers show errors, broken links and adjusted clocks; findings follow in words")
    func markers() throws {
        var spans = TimingTests.skewedBookinfo()
        spans.removeAll { $0.kind == .server && $0.localServiceName == "details" }
        let verdict = TraceAnalyzer.analyze(spans)
        let text = ASCIIWaterfall.render(spans: spans, verdict: verdict, width: 120)
        let details = try #require(lines(text).first { $0.contains("GET /details") })
        #expect(details.hasSuffix("  X"))
        let ratings = try #require(lines(text).first { $0.contains("ratings-v1") })
        #expect(ratings.hasSuffix("  ~"))
        #expect(text.contains("BROKEN (1 error)"))
        #expect(text.contains("X ERROR productpage-v1 -> details [missing-span]: productpage-v1 called details"))
        #expect(text.contains("~ WARNING reviews-v2 -> ratings [clock-skew]"))

        var failed = F.bookinfoB3()
        failed[6].tags["http.status_code"] = "500"
        let failedText = ASCIIWaterfall.render(spans: failed, verdict: TraceAnalyzer.analyze(failed), width: 100)
        #expect(lines(failedText).first { $0.contains("ratings-v1") }?.hasSuffix("  !") == true)
    }

    @Test("the critical path is drawn with # and summarised per service")
    func criticalPath() {
        let spans = F.bookinfoB3()
        let text = ASCIIWaterfall.render(spans: spans, verdict: TraceAnalyzer.analyze(spans), width: 100)
        #expect(text.contains("Critical path 100ms: reviews-v2 30.0ms, ratings-v1 28.0ms, productpage-v1 24.0ms, details-v1 18.0ms"))
        #expect(lines(text).first { $0.contains("ratings-v1") }?.contains("#########") == true)
    }

    @Test("hostile span names cannot inject terminal codes; output is plain ASCII")
    func sanitised() {
        var spans = F.bookinfoB3()
        spans[0].name = "\u{1B}[31mred\u{1B}[0m caf\u{E9} \u{7}"
        spans[1].tags["node_id"] = "node\u{1B}]0;title\u{7}"
        let text = ASCIIWaterfall.render(spans: spans, verdict: TraceAnalyzer.analyze(spans), width: 100)
        #expect(text.utf8.allSatisfy { $0 == 0x0A || (0x20...0x7E).contains($0) })
        #expect(text.contains("?[31mred?[0m caf? ?"))
    }

    @Test("an empty trace and a span without times still render")
    func degenerate() {
        #expect(ASCIIWaterfall.render(spans: [], verdict: TraceAnalyzer.analyze([]), width: 80).contains("(no spans)"))
        let timeless = [ZipkinSpan(traceID: F.traceA, id: F.id(1), name: "x", kind: .server)]
        let text = ASCIIWaterfall.render(spans: timeless, verdict: TraceAnalyzer.analyze(timeless), width: 80)
        #expect(text.contains(" ? ") || text.contains("        ?"))
    }

    @Test("durations read in us, ms and s", arguments: [
        (0 as UInt64, "0us"), (999, "999us"), (1_000, "1.00ms"), (12_345, "12.3ms"), (999_499, "999ms"),
        (1_000_000, "1.00s"), (2_050_000, "2.05s"), (125_000_000, "125s"),
    ])
    func durations(microseconds: UInt64, text: String) {
        #expect(DurationText.format(microseconds) == text)
    }
}
