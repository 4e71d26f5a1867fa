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
        #expect(lines[1].hasSuffix("tracing itself (over sidecars without tracing): 0.300 ms p99 per hop"))
        #expect(lines[2].contains("30.0 %") && lines[2].hasSuffix("MISSED"))
        #expect(lines[3].contains("1 failed requests") && lines[3].contains("MISSED"))
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

@Suite("machine CPU and saturation")
struct MachineSaturationTests {
    static let procStat = """
    cpu  4705 356 584 3699176 2360 0 136 12 0 0
    cpu0 2353 178 292 1849588 1180 0 68 6 0 0
    cpu1 2352 178 292 1849588 1180 0 68 6 0 0
    intr 114930548 113199788 3 0 5 263 0 4 [...]
    ctxt 1990473
    btime 1062191376
    processes 2915
    """

    @Test("/proc/stat: busy is the cores' time less their idle and I/O wait time")
    func parses() throws {
        let times = try #require(MachineCPUTimes(procStat: Self.procStat, seconds: 10))
        #expect(times.cores == 2)
        #expect(times.idleTicks == 3_699_176 + 2360)
        #expect(times.stealTicks == 12)
        // One second later: 200 ticks of capacity, 50 of them idle.
        let later = MachineCPUTimes(idleTicks: times.idleTicks + 50, stealTicks: times.stealTicks + 10, cores: 2, seconds: 11)
        #expect(later.busyCores(since: times) == 1.5)
        #expect(later.stolenShare(since: times) == 0.05)
        #expect(times.busyCores(since: later) == nil, "time does not run backwards")
        #expect(times.busyCores(since: times) == nil, "no time between the samples")
    }

    @Test("busy time does not depend on the busy fields, which a tickless kernel under-counts")
    func idleBased() throws {
        // Seen on a Firecracker VM: a lab using 0.32 cores for 0.5 s, the user and system
        // fields barely moving and the fields summing to 165 ticks per second, not 200.
        let before = try #require(MachineCPUTimes(procStat: "cpu  1000 0 500 10000 0 0 0 0\ncpu0 1\ncpu1 1", seconds: 100))
        let after = try #require(MachineCPUTimes(procStat: "cpu  1000 0 501 10082 0 0 0 0\ncpu0 1\ncpu1 1", seconds: 100.5))
        #expect(abs((after.busyCores(since: before) ?? 0) - 0.36) < 1e-9)
        // Idle beyond the wall clock (a late sample) is clamped to an idle machine, not negative.
        let late = MachineCPUTimes(idleTicks: before.idleTicks + 150, cores: 2, seconds: 100.5)
        #expect(late.busyCores(since: before) == 0)
    }

    @Test("a missing or malformed aggregate line is nil, not zero")
    func malformed() {
        #expect(MachineCPUTimes(procStat: "cpu0 1 2 3 4\nctxt 5", seconds: 0) == nil)
        #expect(MachineCPUTimes(procStat: "cpu  1 2 x 4 5", seconds: 0) == nil)
        #expect(MachineCPUTimes(procStat: "cpu  1 2", seconds: 0) == nil)
        #expect(MachineCPUTimes(procStat: "", seconds: 0) == nil)
        #expect(MachineCPUTimes(procStat: "cpu  10 0 5 100\n", seconds: 0, ticksPerSecond: 0) == nil)
        let old = MachineCPUTimes(procStat: "cpu  10 0 5 100\n", seconds: 0)
        #expect(old?.cores == 1 && old?.stealTicks == 0 && old?.idleTicks == 100, "older kernels: four fields, no per-CPU lines")
    }

    func run(busyCores: Double?, seconds: Double, generator: Double? = 0.05) -> OverheadRun {
        OverheadRun(latencies: Array(repeating: 1000, count: 100), failures: 0, elapsedSeconds: seconds,
                    cpuSeconds: ["app": 0.1], rssMegabytes: [:], spansReported: 0, spansDropped: 0,
                    loadGeneratorCPUSeconds: generator, busyCores: busyCores, cores: busyCores == nil ? nil : 2,
                    stolenShare: busyCores.map { $0 / 100 })
    }

    @Test("rounds pool busy cores by their time and the load generator per request")
    func pooling() {
        let (row, _) = OverheadReport.Setup.pooling([run(busyCores: 1.0, seconds: 1), run(busyCores: 1.9, seconds: 2)], name: "x")
        #expect(abs((row.busyCores ?? 0) - 1.6) < 1e-9)
        #expect(abs((row.stolenShare ?? 0) - 0.016) < 1e-9)
        #expect(row.cores == 2)
        #expect(abs((row.loadGeneratorCPUPer1k ?? 0) - 0.5) < 1e-9)
        #expect(row.totalCPUPer1k == 1.0, "the load generator is not part of the lab's CPU")
        let (unsampled, _) = OverheadReport.Setup.pooling([run(busyCores: nil, seconds: 1, generator: nil)], name: "y")
        #expect(unsampled.busyCores == nil && unsampled.cores == nil && unsampled.loadGeneratorCPUPer1k == nil && unsampled.stolenShare == nil)
        #expect(!unsampled.saturated)
    }

    @Test("setups past three quarters of the cores are named as saturated; headroom gives no note")
    func note() {
        let (calm, _) = OverheadReport.Setup.pooling([run(busyCores: 1.49, seconds: 1)], name: OverheadReport.noSidecars)
        let (busy, _) = OverheadReport.Setup.pooling([run(busyCores: 1.5, seconds: 1)], name: OverheadReport.fullTracing)
        #expect(!calm.saturated && busy.saturated)
        let quiet = OverheadReport(lab: "chain", rate: 100, durationSeconds: 1, connections: 8, hopsPerRequest: 3, setups: [calm])
        #expect(quiet.saturationNote() == nil)
        #expect(quiet.table().contains("1.49 of 2"))
        let loud = OverheadReport(lab: "chain", rate: 1000, durationSeconds: 1, connections: 8, hopsPerRequest: 3, setups: [calm, busy])
        let note = loud.saturationNote() ?? ""
        #expect(note.contains("sampling 100 % 1.50 of 2 cores") && !note.contains(OverheadReport.noSidecars))
        #expect(loud.verdicts().last == note)
    }

    @Test("setups with 2 % steal or more are named; quieter ones are not")
    func steal() {
        var quiet = OverheadReport.Setup.pooling([run(busyCores: 1.0, seconds: 1)], name: OverheadReport.noSidecars).row
        var noisy = OverheadReport.Setup.pooling([run(busyCores: 1.0, seconds: 1)], name: OverheadReport.sidecarsNoTracing).row
        quiet.stolenShare = 0.0199
        noisy.stolenShare = 0.109
        #expect(OverheadReport(lab: "chain", rate: 400, durationSeconds: 6, connections: 8, hopsPerRequest: 3, setups: [quiet]).stealNote() == nil)
        let report = OverheadReport(lab: "chain", rate: 400, durationSeconds: 6, connections: 8, hopsPerRequest: 3, setups: [quiet, noisy])
        let note = report.stealNote() ?? ""
        #expect(note.contains("sidecars, tracing off 10.9 %") && !note.contains(OverheadReport.noSidecars))
        #expect(report.table().contains("10.90"))
    }

    @Test("tracing that used less CPU than no tracing is reported as noise, not as a negative cost")
    func negativeCPU() {
        func row(_ name: String, cpu: Double) -> OverheadReport.Setup {
            OverheadReport.Setup(name: name, requests: 10, failed: 0, achievedRate: 10, latency: LatencyDistribution(microseconds: [1000]),
                                 cpuSecondsPer1k: ["app": cpu], rssMegabytes: [:], spansReported: 0, spansDropped: 0)
        }
        let report = OverheadReport(lab: "chain", rate: 10, durationSeconds: 1, connections: 1, hopsPerRequest: 3, setups: [
            row(OverheadReport.noSidecars, cpu: 1), row(OverheadReport.sidecarsNoTracing, cpu: 2), row(OverheadReport.fullTracing, cpu: 1.78),
        ])
        #expect(report.verdicts().contains("100 % tracing used 11.0 % less CPU than sidecars without tracing, within the noise (target < 25 % more): ok"))
    }
}

@Suite("overhead latencies CSV")
struct OverheadLatenciesCSVTests {
    @Test("one line per completed request, in due order, with the setup quoted")
    func rows() {
        let run = OverheadRun(latencies: [2500, 1000, 40_000], failures: 1, elapsedSeconds: 1, cpuSeconds: [:], rssMegabytes: [:],
                              spansReported: 0, spansDropped: 0, dueSeconds: [0.005, 0, 0.0025])
        #expect(OverheadRun.csvHeader + run.csvRows(setup: "sampling 100 %", round: 2) == """
        setup,round,due_s,latency_ms
        "sampling 100 %",2,0.0000,1.000
        "sampling 100 %",2,0.0025,40.000
        "sampling 100 %",2,0.0050,2.500

        """)
        #expect(run.csvRows(setup: #"a "b""#, round: 1).hasPrefix(#""a ""b""",1,"#))
        let unrecorded = OverheadRun(latencies: [1], failures: 0, elapsedSeconds: 1, cpuSeconds: [:], rssMegabytes: [:],
                                     spansReported: 0, spansDropped: 0, dueSeconds: [0.1, 0.2])
        #expect(unrecorded.dueSeconds.isEmpty && unrecorded.csvRows(setup: "x", round: 1).isEmpty, "due times that do not match the latencies are dropped")
    }
}
