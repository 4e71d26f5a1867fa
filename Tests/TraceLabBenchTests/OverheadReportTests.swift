import Foundation
import Testing
@testable import TraceLabBench

@Suite("overhead report")
struct OverheadReportTests {
    @Test("percentiles are nearest-rank over every sample")
    func percentiles() {
        let latency = LatencyDistribution(microseconds: (1...1000).map(Double.init).reversed())
        #expect(latency.percentile(50) == 500)
        #expect(latency.percentile(99) == 990)
        #expect(latency.percentile(99.9) == 999)
        #expect(latency.percentile(100) == 1000)
        #expect(latency.percentile(0) == 1)
        #expect(LatencyDistribution(microseconds: []).percentile(99) == 0)
    }

    func row(_ name: String, p99Milliseconds: Double, cpu: Double, failed: Int = 0) -> OverheadReport.Setup {
        OverheadReport.Setup(name: name, requests: 100, failed: failed, achievedRate: 100,
                             latency: LatencyDistribution(microseconds: Array(repeating: p99Milliseconds * 1000, count: 100)),
                             cpuSecondsPer1k: ["app": cpu / 2, "proxy": cpu / 2], rssMegabytes: ["app": 40], spansReported: 0, spansDropped: 0)
    }

    @Test("added latency per hop is over the no-sidecar baseline; the verdicts judge the issue's targets")
    func verdicts() {
        let report = OverheadReport(lab: "chain", rate: 100, durationSeconds: 10, connections: 8, hopsPerRequest: 3, setups: [
            row(OverheadReport.noSidecars, p99Milliseconds: 3, cpu: 1),
            row(OverheadReport.sidecarsNoTracing, p99Milliseconds: 4, cpu: 2),
            row(OverheadReport.fullTracing, p99Milliseconds: 4.9, cpu: 2.6),
            row(OverheadReport.collectorDown, p99Milliseconds: 5, cpu: 2.6, failed: 1),
        ])
        let full = report.setups[2]
        #expect(abs((report.addedPerHop(full, \.p99) ?? 0) - (1.9 / 3)) < 1e-9)
        let lines = report.verdicts()
        #expect(lines[0].hasSuffix("MISSED"), "0.633 ms per hop is over 0.5: \(lines[0])")
        #expect(lines[1].contains("30.0 %") && lines[1].hasSuffix("MISSED"))
        #expect(lines[2].contains("1 failed requests") && lines[2].contains("MISSED"))
        #expect(report.table().contains("sampling 100 %"))
    }

    @Test("a row pools its rounds: percentiles over every request, CPU per request of all rounds")
    func pooling() {
        let fast = OverheadRun(latencies: Array(repeating: 1000, count: 90), failures: 1, elapsedSeconds: 1,
                               cpuSeconds: ["app": 0.09, "proxy": 0.18], rssMegabytes: ["app": [20, 22]], spansReported: 90, spansDropped: 0)
        let slow = OverheadRun(latencies: Array(repeating: 9000, count: 10), failures: 0, elapsedSeconds: 1,
                               cpuSeconds: ["app": 0.01], rssMegabytes: ["app": [24]], spansReported: 10, spansDropped: 2)
        let (row, latency) = OverheadReport.Setup.pooling([fast, slow], name: "pooled")
        #expect(latency.count == 100)
        #expect(row.requests == 101 && row.failed == 1)
        #expect(row.achievedRate == 50)
        #expect(row.p50 == 1 && row.p90 == 1 && row.p99 == 9)
        #expect(abs((row.cpuSecondsPer1k["app"] ?? 0) - 1.0) < 1e-9)
        #expect(abs((row.cpuSecondsPer1k["proxy"] ?? 0) - 1.8) < 1e-9)
        #expect(row.rssMegabytes["app"] == 22)
        #expect(row.spansReported == 100 && row.spansDropped == 2)
        let report = OverheadReport(lab: "chain", rate: 50, durationSeconds: 1, connections: 8, hopsPerRequest: 3, rounds: 2, setups: [row])
        #expect(report.table().contains("2 rounds of every setup in turn"))
    }

    @Test("the plot draws one line per setup with a legend")
    func plot() {
        let svg = LatencyPlot(title: "t <x>", series: [
            ("a", LatencyDistribution(microseconds: [1000, 2000, 3000])),
            ("b", LatencyDistribution(microseconds: [1500, 2500])),
        ]).svg()
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.components(separatedBy: "<polyline").count == 3)
        #expect(svg.contains("t &lt;x&gt;"))
        #expect(svg.contains(">99.9 %<"))
    }
}
