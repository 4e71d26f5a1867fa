import Testing
import Zipkin
@testable import TraceAnalysis

private typealias F = SpanFactory

@Suite("clock skew, critical path and self time")
struct TimingTests {
    /// One service's clock runs `shift` ms ahead (ratings unless said otherwise).
    static func skewedBookinfo(shift: Double = 2_000, service: String = "ratings") -> [ZipkinSpan] {
        F.bookinfoB3().map { span in
            guard span.localServiceName == service else { return span }
            var copy = span
            copy.timestamp = span.timestamp.map { UInt64(Int64($0) + Int64(shift * 1000)) }
            return copy
        }
    }

    @Test("a service whose clock runs ahead is flagged, estimated and adjusted, not failed")
    func skewAhead() throws {
        let verdict = TraceAnalyzer.analyze(Self.skewedBookinfo())
        #expect(verdict.complete)
        let finding = try #require(verdict.findings.first)
        #expect(finding.kind == .clockSkew)
        #expect(finding.severity == .warning)
        #expect(finding.code == .clockSkew)
        #expect(finding.hop == "reviews-v2 -> ratings")
        #expect(finding.cause.hasPrefix("ratings-v1's clock is about 2.00s ahead of reviews-v2's"))
        // The CLIENT took 30 ms, the SERVER 28 ms: 1 ms each way, so the SERVER starts 1 ms in.
        #expect(verdict.clockSkew == [ClockSkewEstimate(service: "ratings-v1", offsetMicroseconds: -2_000_000, hop: "reviews-v2 -> ratings", adjustedSpanCount: 1)])
        let adjusted = try #require(verdict.adjustedSpans.first)
        #expect(adjusted.adjustedTimestamp == F.epoch + 51_000)
        #expect(adjusted.timestamp == F.epoch + 2_051_000)
        #expect(verdict.durationMicroseconds == 100_000)
        #expect(verdict.criticalPath.durationMicroseconds == 100_000)
    }

    @Test("a clock running behind is moved forward, and every span of that node follows", arguments: [-1_500.0, -40.0])
    func skewBehind(shift: Double) throws {
        var spans = Self.skewedBookinfo(shift: shift)
        // A second ratings span (a local one) must move with the first.
        var local = F.sidecar(60, parent: 4, .server, service: "ratings", from: 60 + shift, to: 70 + shift)
        local.kind = nil
        spans.append(local)
        let verdict = TraceAnalyzer.analyze(spans)
        #expect(verdict.complete)
        let estimate = try #require(verdict.clockSkew.first)
        #expect(estimate.offsetMicroseconds == Int64(-shift * 1000))
        #expect(estimate.adjustedSpanCount == 2)
        #expect(verdict.findings.first?.cause.contains("behind") == true)
    }

    @Test("a child inside its parent, or outside by less than the tolerance, is not skew", arguments: [0.0, 0.5])
    func withinTolerance(shift: Double) {
        let verdict = TraceAnalyzer.analyze(Self.skewedBookinfo(shift: shift + 1.4))
        #expect(verdict.clockSkew.isEmpty)
        #expect(verdict.findings.isEmpty)
    }

    @Test("a service in the middle with a skewed clock is named alone, not its callees")
    func middleSkew() throws {
        let verdict = TraceAnalyzer.analyze(Self.skewedBookinfo(shift: 3_000, service: "reviews"))
        #expect(verdict.complete)
        #expect(verdict.clockSkew == [ClockSkewEstimate(service: "reviews-v2", offsetMicroseconds: -3_000_000, hop: "productpage-v1 -> reviews", adjustedSpanCount: 2)])
        #expect(verdict.findings.count == 1)
        #expect(verdict.criticalPath.durationMicroseconds == 100_000)
    }

    @Test("when the root's clock is the odd one out, the root is named")
    func rootSkew() throws {
        let verdict = TraceAnalyzer.analyze(Self.skewedBookinfo(shift: 3_000, service: "productpage"))
        #expect(verdict.clockSkew == [ClockSkewEstimate(service: "productpage-v1", offsetMicroseconds: -3_000_000, hop: "productpage-v1 -> details", adjustedSpanCount: 3)])
        let finding = try #require(verdict.findings.first)
        #expect(finding.cause.hasPrefix("productpage-v1's clock is about 3.00s ahead of details-v1's"))
        #expect(verdict.startTimestamp == F.epoch)
        #expect(verdict.durationMicroseconds == 100_000)
    }

    @Test("a callee that outlives a caller who timed out is not clock skew")
    func timeout() {
        var spans = F.bookinfoB3()
        spans[5].duration = 10_000  // reviews gave up on ratings after 10 ms (504)
        spans[5].tags["http.status_code"] = "504"
        spans[5].tags["response_flags"] = "UT"
        let verdict = TraceAnalyzer.analyze(spans)
        #expect(verdict.clockSkew.isEmpty)
        #expect(verdict.complete)
    }

    @Test("a callee whose start is after its caller finished has a clock running ahead")
    func startsAfterCallerEnded() throws {
        let verdict = TraceAnalyzer.analyze(Self.skewedBookinfo(shift: 60))
        let estimate = try #require(verdict.clockSkew.first)
        #expect(estimate.offsetMicroseconds == -60_000)
    }

    @Test("a clock a little ahead shows only as a late end, and is still found")
    func smallSkew() throws {
        let verdict = TraceAnalyzer.analyze(Self.skewedBookinfo(shift: 5))
        let estimate = try #require(verdict.clockSkew.first)
        #expect(estimate.offsetMicroseconds == -5_000)
    }

    @Test("the tolerance is an option")
    func toleranceOption() {
        let spans = Self.skewedBookinfo(shift: 5)
        #expect(TraceAnalyzer.analyze(spans).clockSkew.count == 1)
        #expect(TraceAnalyzer.analyze(spans, options: .init(clockSkewToleranceMicroseconds: 10_000)).clockSkew.isEmpty)
    }

    @Test("the critical path runs through the calls the request waited on, covering the root")
    func criticalPath() {
        let verdict = TraceAnalyzer.analyze(SpanFactory.bookinfoB3())
        let path = verdict.criticalPath
        #expect(path.durationMicroseconds == 100_000)
        #expect(path.spanIDs == ["0000000000000001", "0000000000000002", "0000000000000003", "0000000000000004"])
        #expect(path.segments.first?.start == F.epoch)
        #expect(path.segments.last?.end == F.epoch + 100_000)
        // Segments are contiguous and in time order.
        for (earlier, later) in zip(path.segments, path.segments.dropFirst()) { #expect(earlier.end == later.start) }
        let ratings = path.segments.filter { $0.service == "ratings-v1" }
        #expect(ratings.map(\.durationMicroseconds) == [28_000])
    }

    @Test("of two parallel calls only the one that finished last is on the critical path")
    func parallelCalls() {
        let spans = [
            F.sidecar(1, .server, service: "productpage", from: 0, to: 100),
            F.sidecar(2, parent: 1, .client, service: "productpage", remote: "details", from: 10, to: 60),
            F.sidecar(2, parent: 1, .server, service: "details", from: 11, to: 59, shared: true),
            F.sidecar(3, parent: 1, .client, service: "productpage", remote: "reviews", from: 10, to: 90),
            F.sidecar(3, parent: 1, .server, service: "reviews", from: 11, to: 89, shared: true),
        ]
        let verdict = TraceAnalyzer.analyze(spans)
        #expect(verdict.criticalPath.spanIDs == ["0000000000000001", "0000000000000003"])
        #expect(verdict.criticalPath.durationMicroseconds == 100_000)
        // Self time counts the overlap of the two calls once.
        let productpage = verdict.selfTime.first { $0.service == "productpage-v1" }
        #expect(productpage?.selfMicroseconds == 20_000 + 2_000 + 2_000)
        #expect(productpage?.spanCount == 3)
    }

    @Test("self time per service is its time not spent waiting on children")
    func selfTime() {
        let verdict = TraceAnalyzer.analyze(SpanFactory.bookinfoB3())
        let byService = Dictionary(uniqueKeysWithValues: verdict.selfTime.map { ($0.service, $0.selfMicroseconds) })
        // productpage: 100 ms minus its two calls (20 + 60) plus 2 ms of each CLIENT not covered by its SERVER.
        #expect(byService["productpage-v1"] == 20_000 + 2_000 + 2_000)
        #expect(byService["details-v1"] == 18_000)
        #expect(byService["reviews-v2"] == 58_000 - 30_000 + 2_000)
        #expect(byService["ratings-v1"] == 28_000)
        #expect(verdict.selfTime.first?.service == "reviews-v2")
    }

    @Test("a child that outlives its parent is clipped, so the path never exceeds the root")
    func asyncChild() {
        var spans = SpanFactory.bookinfoB3()
        spans.append(F.app(70, parent: 1, nil, service: "productpage", from: 90, to: 150))
        let verdict = TraceAnalyzer.analyze(spans, options: .init(clockSkewToleranceMicroseconds: 100_000))
        #expect(verdict.criticalPath.durationMicroseconds == 100_000)
        #expect(verdict.durationMicroseconds == 150_000)
    }
}
