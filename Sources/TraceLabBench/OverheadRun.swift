/// What one run of an overhead setup measured, before it is pooled with the setup's other
/// rounds into a row of the report.
public struct OverheadRun: Sendable {
    /// End-to-end latency of each completed request, µs.
    public var latencies: [Double]
    public var failures: Int
    public var elapsedSeconds: Double
    /// CPU seconds the lab's processes used during the run, per process kind.
    public var cpuSeconds: [String: Double]
    /// Resident memory after the run, MB, one entry per process of that kind.
    public var rssMegabytes: [String: [Double]]
    public var spansReported: Int
    public var spansDropped: Int

    public init(latencies: [Double], failures: Int, elapsedSeconds: Double, cpuSeconds: [String: Double],
                rssMegabytes: [String: [Double]], spansReported: Int, spansDropped: Int) {
        self.latencies = latencies
        self.failures = failures
        self.elapsedSeconds = elapsedSeconds
        self.cpuSeconds = cpuSeconds
        self.rssMegabytes = rssMegabytes
        self.spansReported = spansReported
        self.spansDropped = spansDropped
    }
}

extension OverheadReport.Setup {
    /// A row from all runs of one setup: latencies pooled (percentiles over every request of
    /// every round), CPU per 1,000 of all completed requests, memory averaged over processes
    /// and rounds, counts summed; with the pooled latencies, which the plot draws.
    public static func pooling(_ runs: [OverheadRun], name: String) -> (row: OverheadReport.Setup, latency: LatencyDistribution) {
        let latencies = runs.flatMap(\.latencies)
        let latency = LatencyDistribution(microseconds: latencies)
        var cpu: [String: Double] = [:]
        var rss: [String: [Double]] = [:]
        for run in runs {
            cpu.merge(run.cpuSeconds, uniquingKeysWith: +)
            rss.merge(run.rssMegabytes, uniquingKeysWith: +)
        }
        let completed = Double(max(latencies.count, 1))
        let failures = runs.map(\.failures).reduce(0, +)
        let elapsed = runs.map(\.elapsedSeconds).reduce(0, +)
        let row = OverheadReport.Setup(
            name: name, requests: latencies.count + failures, failed: failures,
            achievedRate: elapsed > 0 ? Double(latencies.count) / elapsed : 0,
            latency: latency,
            cpuSecondsPer1k: cpu.mapValues { $0 / completed * 1000 },
            rssMegabytes: rss.mapValues { $0.reduce(0, +) / Double($0.count) },
            spansReported: runs.map(\.spansReported).reduce(0, +), spansDropped: runs.map(\.spansDropped).reduce(0, +)
        )
        return (row, latency)
    }
}
