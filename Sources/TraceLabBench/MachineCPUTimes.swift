/// The whole machine's CPU time from Linux's /proc/stat, so the overhead lab can say how busy
/// the machine was while a setup ran: near saturation, latency is mostly waiting for a CPU,
/// and what a sidecar adds per hop can no longer be told apart from that wait.
public struct MachineCPUTimes: Hashable, Sendable {
    /// Clock ticks spent on anything but idle and I/O wait, summed over all CPUs (steal counts
    /// as busy: it is time the lab could not run).
    public var busyTicks: UInt64
    /// All clock ticks, summed over all CPUs.
    public var totalTicks: UInt64
    /// Clock ticks the hypervisor ran something else while this machine wanted its CPUs
    /// (steal, part of `busyTicks`): on a shared VM it comes in bursts that stall every
    /// process at once, which is what sets the p99 of a short run.
    public var stealTicks: UInt64
    /// Online CPUs (the `cpuN` lines).
    public var cores: Int

    public init(busyTicks: UInt64, totalTicks: UInt64, stealTicks: UInt64 = 0, cores: Int) {
        self.busyTicks = busyTicks
        self.totalTicks = totalTicks
        self.stealTicks = stealTicks
        self.cores = cores
    }

    /// Parses the text of /proc/stat: the aggregate `cpu` line (user nice system idle iowait
    /// irq softirq steal …; guest time is already inside user) and the per-CPU lines; nil when
    /// the aggregate line is missing or malformed.
    public init?(procStat: String) {
        var aggregate: [UInt64]?
        var cores = 0
        for line in procStat.split(separator: "\n") where line.hasPrefix("cpu") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let label = fields.first else { continue }
            if label == "cpu" {
                let values = fields.dropFirst().prefix(8).compactMap { UInt64($0) }
                guard values.count >= 4, values.count == min(8, fields.count - 1) else { return nil }
                aggregate = values
            } else if label.dropFirst(3).allSatisfy(\.isNumber) {
                cores += 1
            }
        }
        guard let aggregate else { return nil }
        let total = aggregate.reduce(0, +)
        let idle = aggregate[3] + (aggregate.count > 4 ? aggregate[4] : 0)
        self.init(busyTicks: total - idle, totalTicks: total, stealTicks: aggregate.count > 7 ? aggregate[7] : 0, cores: max(cores, 1))
    }

    /// Cores kept busy on average between `earlier` and this sample (0…`cores`).
    public func busyCores(since earlier: MachineCPUTimes) -> Double? {
        guard totalTicks > earlier.totalTicks, busyTicks >= earlier.busyTicks else { return nil }
        let busy = Double(busyTicks - earlier.busyTicks)
        let total = Double(totalTicks - earlier.totalTicks)
        return busy / total * Double(cores)
    }

    /// Share of all CPU time between `earlier` and this sample that the hypervisor took (0…1).
    public func stolenShare(since earlier: MachineCPUTimes) -> Double? {
        guard totalTicks > earlier.totalTicks, stealTicks >= earlier.stealTicks else { return nil }
        return Double(stealTicks - earlier.stealTicks) / Double(totalTicks - earlier.totalTicks)
    }
}
