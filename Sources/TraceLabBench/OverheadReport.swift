/// What `tracelab bench overhead` measured: one row per setup (no sidecars, sidecars without
/// tracing, sampling 1 %, 100 %, 100 % with the collector down), and the issue's targets.
public struct OverheadReport: Hashable, Sendable, Codable {
    public struct Setup: Hashable, Sendable, Codable {
        public var name: String
        public var requests: Int
        public var failed: Int
        /// Requests completed per second over the measured window.
        public var achievedRate: Double
        /// End-to-end latency percentiles in ms, measured from each request's scheduled start
        /// (open model: a stall delays the requests behind it, and that shows).
        public var p50: Double, p90: Double, p99: Double, p999: Double
        /// CPU seconds per 1,000 requests, per process kind (app, proxy, collector).
        public var cpuSecondsPer1k: [String: Double]
        /// Resident memory after the run, MB per process of that kind (mean).
        public var rssMegabytes: [String: Double]
        public var spansReported: Int
        public var spansDropped: Int
        /// CPU seconds per 1,000 requests of the load generator, which shares the machine.
        public var loadGeneratorCPUPer1k: Double?
        /// Cores the whole machine kept busy on average during the measurement, of `cores`.
        public var busyCores: Double?
        public var cores: Int?
        /// Share of the machine's CPU time a hypervisor took during the measurement.
        public var stolenShare: Double?

        public init(name: String, requests: Int, failed: Int, achievedRate: Double, latency: LatencyDistribution,
                    cpuSecondsPer1k: [String: Double], rssMegabytes: [String: Double], spansReported: Int, spansDropped: Int) {
            self.name = name
            self.requests = requests
            self.failed = failed
            self.achievedRate = achievedRate
            p50 = latency.percentile(50) / 1000
            p90 = latency.percentile(90) / 1000
            p99 = latency.percentile(99) / 1000
            p999 = latency.percentile(99.9) / 1000
            self.cpuSecondsPer1k = cpuSecondsPer1k
            self.rssMegabytes = rssMegabytes
            self.spansReported = spansReported
            self.spansDropped = spansDropped
        }

        /// The lab's CPU per 1,000 requests (the load generator is not part of the lab).
        public var totalCPUPer1k: Double { cpuSecondsPer1k.values.reduce(0, +) }

        /// Whether the machine was so busy that latency is mostly waiting for a CPU: past
        /// three quarters of the cores, queueing grows steeply, and a setup's extra latency
        /// measures the machine rather than the setup.
        public var saturated: Bool {
            guard let busyCores, let cores, cores > 0 else { return false }
            return busyCores >= Double(cores) * OverheadReport.saturationShare
        }
    }

    public var lab: String
    public var rate: Double
    public var durationSeconds: Double
    public var connections: Int
    /// Services called per request, entry included: a hop is one call, through the caller's
    /// and the callee's sidecars (the entry only through one).
    public var hopsPerRequest: Double
    /// How many times each setup ran, in turn with the others; a row pools its runs.
    public var rounds: Int
    public var setups: [Setup]

    public init(lab: String, rate: Double, durationSeconds: Double, connections: Int, hopsPerRequest: Double, rounds: Int = 1, setups: [Setup]) {
        self.lab = lab
        self.rate = rate
        self.durationSeconds = durationSeconds
        self.connections = connections
        self.hopsPerRequest = hopsPerRequest
        self.rounds = rounds
        self.setups = setups
    }

    /// The baseline every other row is compared with.
    public var baseline: Setup? { setups.first }

    /// Latency `setup` adds per hop over the baseline at a percentile, in ms.
    public func addedPerHop(_ setup: Setup, _ percentile: KeyPath<Setup, Double>) -> Double? {
        guard let baseline, hopsPerRequest > 0 else { return nil }
        return (setup[keyPath: percentile] - baseline[keyPath: percentile]) / hopsPerRequest
    }

    public func table() -> String {
        let runs = rounds > 1 ? ", \(rounds) rounds of every setup in turn, each row pooling its rounds" : ""
        var lines = ["tracelab bench overhead: \(lab) lab, \(formatted(rate, 0)) req/s offered for \(formatted(durationSeconds, 0)) s over \(connections) connections, \(formatted(hopsPerRequest, 2)) hops per request\(runs)",
                     ""]
        let header = ["setup", "req/s", "failed", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "+p50/hop", "+p99/hop", "CPU s/1k app", "proxy", "collector", "load gen", "cores busy", "steal %", "RSS MB app", "proxy", "spans sent", "dropped"]
        var rows: [[String]] = [header]
        for setup in setups {
            let plus50 = addedPerHop(setup, \.p50).map { formatted($0, 3) } ?? "–"
            let plus99 = addedPerHop(setup, \.p99).map { formatted($0, 3) } ?? "–"
            rows.append([
                setup.name, formatted(setup.achievedRate, 0), "\(setup.failed)",
                formatted(setup.p50, 2), formatted(setup.p90, 2), formatted(setup.p99, 2), formatted(setup.p999, 2),
                setup.name == baseline?.name ? "–" : plus50, setup.name == baseline?.name ? "–" : plus99,
                formatted(setup.cpuSecondsPer1k["app"] ?? 0, 3), formatted(setup.cpuSecondsPer1k["proxy"] ?? 0, 3), formatted(setup.cpuSecondsPer1k["collector"] ?? 0, 3),
                setup.loadGeneratorCPUPer1k.map { formatted($0, 3) } ?? "–",
                setup.busyCores.map { busy in setup.cores.map { "\(formatted(busy, 2)) of \($0)" } ?? formatted(busy, 2) } ?? "–",
                setup.stolenShare.map { formatted($0 * 100, 2) } ?? "–",
                formatted(setup.rssMegabytes["app"] ?? 0, 1), formatted(setup.rssMegabytes["proxy"] ?? 0, 1),
                "\(setup.spansReported)", "\(setup.spansDropped)",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                            : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  "))
        }
        lines.append("")
        lines += verdicts()
        return lines.joined(separator: "\n")
    }

    /// The issue's targets, each with the figure it is judged on.
    public func verdicts() -> [String] {
        var result: [String] = []
        let off = setups.first { $0.name == Self.sidecarsNoTracing }
        if let full = setups.first(where: { $0.name == Self.fullTracing }), let added = addedPerHop(full, \.p99) {
            result.append("100 % tracing adds \(formatted(added, 3)) ms p99 per hop over no sidecars (target < 0.5 ms): \(added < 0.5 ? "ok" : "MISSED")")
            if let off, hopsPerRequest > 0 {
                // Splits the figure into what the sidecars cost and what tracing in them adds.
                let tracingOnly = (full.p99 - off.p99) / hopsPerRequest
                result.append("  of which tracing itself (over sidecars without tracing): \(formatted(tracingOnly, 3)) ms p99 per hop")
            }
            if let off {
                let ratio = off.totalCPUPer1k > 0 ? (full.totalCPUPer1k - off.totalCPUPer1k) / off.totalCPUPer1k : 0
                let verdict = ratio < 0.25 ? "ok" : "MISSED"
                result.append(ratio >= 0
                    ? "100 % tracing costs \(formatted(ratio * 100, 1)) % more CPU than sidecars without tracing (target < 25 %): \(verdict)"
                    : "100 % tracing used \(formatted(-ratio * 100, 1)) % less CPU than sidecars without tracing, within the noise (target < 25 % more): \(verdict)")
            }
        }
        if let down = setups.first(where: { $0.name == Self.collectorDown }) {
            result.append("collector down: \(down.failed) failed requests (target 0): \(down.failed == 0 ? "ok" : "MISSED"); \(down.spansDropped) spans dropped and counted")
        }
        if let saturation = saturationNote() { result.append(saturation) }
        if let steal = stealNote() { result.append(steal) }
        return result
    }

    /// Names the setups that ran on a saturated machine and what that means for their
    /// latency; nil when every setup left headroom (or the machine could not be sampled).
    public func saturationNote() -> String? {
        let busy = setups.filter(\.saturated)
        guard !busy.isEmpty else { return nil }
        let listed = busy.map { setup in
            "\(setup.name) \(formatted(setup.busyCores ?? 0, 2)) of \(setup.cores ?? 0) cores"
        }.joined(separator: ", ")
        return "saturated: \(listed) busy (lab, load generator and kernel together). At that load latency is mostly waiting "
            + "for a CPU, so +p50/hop and +p99/hop there measure the machine, not the sidecars; for the per-hop figures, "
            + "offer a --rate that keeps every setup under \(Int(Self.saturationShare * 100)) % of the cores, or run on more cores."
    }

    /// Names the setups during which a hypervisor took a noticeable share of the CPU time;
    /// nil when none did (or steal could not be read).
    public func stealNote() -> String? {
        let stolen = setups.filter { ($0.stolenShare ?? 0) >= Self.noticeableSteal }
        guard !stolen.isEmpty else { return nil }
        let listed = stolen.map { "\($0.name) \(formatted(($0.stolenShare ?? 0) * 100, 1)) %" }.joined(separator: ", ")
        return "steal: the hypervisor took CPU time during \(listed). It comes in bursts that stall every process at once, "
            + "and a few such bursts set a short run's p99: compare those rows' p99 with care, or rerun with more --rounds."
    }

    /// Steal share from which a setup's tail latency is suspect (quiet runs here stay under 2 %).
    public static let noticeableSteal = 0.02

    /// Share of the machine's cores past which a setup counts as saturated.
    public static let saturationShare = 0.75

    public static let noSidecars = "no sidecars"
    public static let sidecarsNoTracing = "sidecars, tracing off"
    public static let onePercent = "sampling 1 %"
    public static let fullTracing = "sampling 100 %"
    public static let collectorDown = "100 %, collector down"
}

func formatted(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return "–" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if decimals == 0 { return "\(Int(rounded))" }
    if let dot = text.firstIndex(of: ".") {
        let fraction = text[text.index(after: dot)...].count
        if fraction < decimals { text += String(repeating: "0", count: decimals - fraction) }
    }
    return text
}
