/// What one run of an overhead setup measured, before it is pooled with the setup's other
/// rounds into a row of the report.
public struct OverheadRun: Sendable {
    /// End-to-end latency of each completed request, µs.
    public var latencies: [Double]
    /// When each of those requests was due, seconds from the start of the run (same order);
    /// empty when not recorded.
    public var dueSeconds: [Double]
    public var failures: Int
    public var elapsedSeconds: Double
    /// CPU seconds the lab's processes used during the run, per process kind.
    public var cpuSeconds: [String: Double]
    /// Resident memory after the run, MB, one entry per process of that kind.
    public var rssMegabytes: [String: [Double]]
    public var spansReported: Int
    public var spansDropped: Int
    /// CPU seconds the load generator (this process) used during the run: it shares the
    /// machine with the lab, so it is part of what the cores had to do.
    public var loadGeneratorCPUSeconds: Double?
    /// Cores the whole machine kept busy on average during the run, and how many it has.
    public var busyCores: Double?
    public var cores: Int?
    /// Share of the machine's CPU time the hypervisor took during the run.
    public var stolenShare: Double?

    public init(latencies: [Double], failures: Int, elapsedSeconds: Double, cpuSeconds: [String: Double],
                rssMegabytes: [String: [Double]], spansReported: Int, spansDropped: Int,
                loadGeneratorCPUSeconds: Double? = nil, busyCores: Double? = nil, cores: Int? = nil, stolenShare: Double? = nil,
                dueSeconds: [Double] = []) {
        self.latencies = latencies
        self.dueSeconds = dueSeconds.count == latencies.count ? dueSeconds : []
        self.failures = failures
        self.elapsedSeconds = elapsedSeconds
        self.cpuSeconds = cpuSeconds
        self.rssMegabytes = rssMegabytes
        self.spansReported = spansReported
        self.spansDropped = spansDropped
        self.loadGeneratorCPUSeconds = loadGeneratorCPUSeconds
        self.busyCores = busyCores
        self.cores = cores
        self.stolenShare = stolenShare
    }
}

extension OverheadRun {
    /// The header of `csvRows`.
    public static let csvHeader = "setup,round,due_s,latency_ms\n"

    /// One CSV line per completed request, in due order: what `--latencies` writes, to show
    /// whether a setup's p99 comes from a few stalls that hit every request in flight or
    /// from a cost each request pays.
    public func csvRows(setup: String, round: Int) -> String {
        let name = "\"" + setup.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        var text = ""
        for (due, latency) in zip(dueSeconds, latencies).sorted(by: { $0.0 < $1.0 }) {
            text += "\(name),\(round),\(formatted(due, 4)),\(formatted(latency / 1000, 3))\n"
        }
        return text
    }
}

extension OverheadReport.Setup {
    /// A row from all runs of one setup: latencies pooled (percentiles over every request of
    /// every round), CPU per 1,000 of all completed requests, memory averaged over processes
    /// and rounds, counts summed, busy cores averaged over the rounds' time; with the pooled
    /// latencies, which the plot draws.
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
        var row = OverheadReport.Setup(
            name: name, requests: latencies.count + failures, failed: failures,
            achievedRate: elapsed > 0 ? Double(latencies.count) / elapsed : 0,
            latency: latency,
            cpuSecondsPer1k: cpu.mapValues { $0 / completed * 1000 },
            rssMegabytes: rss.mapValues { $0.reduce(0, +) / Double($0.count) },
            spansReported: runs.map(\.spansReported).reduce(0, +), spansDropped: runs.map(\.spansDropped).reduce(0, +)
        )
        let generator = runs.compactMap(\.loadGeneratorCPUSeconds)
        if generator.count == runs.count, !runs.isEmpty {
            row.loadGeneratorCPUPer1k = generator.reduce(0, +) / completed * 1000
        }
        row.busyCores = timeWeightedMean(of: \.busyCores, over: runs)
        row.cores = row.busyCores == nil ? nil : runs.compactMap(\.cores).max()
        row.stolenShare = timeWeightedMean(of: \.stolenShare, over: runs)
        return (row, latency)
    }

    /// A per-run machine figure averaged over the runs that have it, each weighted by its
    /// length; nil when none has it.
    private static func timeWeightedMean(of figure: KeyPath<OverheadRun, Double?>, over runs: [OverheadRun]) -> Double? {
        let sampled = runs.compactMap { run in run[keyPath: figure].map { (value: $0, seconds: run.elapsedSeconds) } }
        let seconds = sampled.map(\.seconds).reduce(0, +)
        guard seconds > 0 else { return nil }
        return sampled.map { $0.value * $0.seconds }.reduce(0, +) / seconds
    }
}
