/// The whole machine's CPU time from Linux's /proc/stat, so the overhead lab can say how busy
/// the machine was while a setup ran: near saturation, latency is mostly waiting for a CPU,
/// and what a sidecar adds per hop can no longer be told apart from that wait.
///
/// Busy time is derived from idle time and the wall clock, not from the busy fields: a
/// tickless kernel measures idle exactly (on entering and leaving idle) but charges user and
/// system time only at the ticks it takes. On a Firecracker VM a lab whose processes used
/// 0.32 cores showed 0.03 cores of busy ticks, and a busier one more than its processes used,
/// with the fields summing to 145–360 ticks per second on a 2 × 100-tick machine.
public struct MachineCPUTimes: Hashable, Sendable {
    /// Clock ticks all CPUs spent idle or waiting for I/O (the `cpu` line's 4th and 5th fields).
    public var idleTicks: UInt64
    /// Clock ticks the hypervisor ran something else while this machine wanted its CPUs
    /// (steal): on a shared VM it comes in bursts that stall every process at once, which is
    /// what sets the p99 of a short run.
    public var stealTicks: UInt64
    /// Online CPUs (the `cpuN` lines).
    public var cores: Int
    /// When the sample was read, seconds on a monotonic clock.
    public var seconds: Double
    /// The kernel's clock ticks per second (`sysconf(_SC_CLK_TCK)`, 100 on Linux).
    public var ticksPerSecond: Double

    public init(idleTicks: UInt64, stealTicks: UInt64 = 0, cores: Int, seconds: Double, ticksPerSecond: Double = 100) {
        self.idleTicks = idleTicks
        self.stealTicks = stealTicks
        self.cores = cores
        self.seconds = seconds
        self.ticksPerSecond = ticksPerSecond
    }

    /// Parses the text of /proc/stat read at `seconds`: the aggregate `cpu` line (user nice
    /// system idle iowait irq softirq steal …) and the per-CPU lines; nil when the aggregate
    /// line is missing or malformed.
    public init?(procStat: String, seconds: Double, ticksPerSecond: Double = 100) {
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
        guard let aggregate, ticksPerSecond > 0 else { return nil }
        self.init(idleTicks: aggregate[3] + (aggregate.count > 4 ? aggregate[4] : 0),
                  stealTicks: aggregate.count > 7 ? aggregate[7] : 0,
                  cores: max(cores, 1), seconds: seconds, ticksPerSecond: ticksPerSecond)
    }

    /// The CPU time all cores had between `earlier` and this sample, in ticks.
    private func capacityTicks(since earlier: MachineCPUTimes) -> Double? {
        let elapsed = seconds - earlier.seconds
        guard elapsed > 0, idleTicks >= earlier.idleTicks, stealTicks >= earlier.stealTicks else { return nil }
        return elapsed * ticksPerSecond * Double(cores)
    }

    /// Cores kept busy on average between `earlier` and this sample (0…`cores`): all the time
    /// the cores had, less the time they were idle.
    public func busyCores(since earlier: MachineCPUTimes) -> Double? {
        guard let capacity = capacityTicks(since: earlier) else { return nil }
        let idle = Double(idleTicks - earlier.idleTicks)
        return min(max(0, 1 - idle / capacity), 1) * Double(cores)
    }

    /// Share of all CPU time between `earlier` and this sample that the hypervisor took (0…1).
    public func stolenShare(since earlier: MachineCPUTimes) -> Double? {
        guard let capacity = capacityTicks(since: earlier) else { return nil }
        return min(Double(stealTicks - earlier.stealTicks) / capacity, 1)
    }
}
