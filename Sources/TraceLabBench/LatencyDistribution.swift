/// Latencies of one load run, kept whole and sorted: a run is at most a few hundred thousand
/// requests, so exact percentiles cost less than a histogram's configuration would.
public struct LatencyDistribution: Hashable, Sendable, Codable {
    /// Microseconds, ascending.
    public private(set) var sortedMicroseconds: [Double]

    public init(microseconds: [Double]) {
        sortedMicroseconds = microseconds.sorted()
    }

    public var count: Int { sortedMicroseconds.count }

    /// Nearest-rank percentile (0…100) in microseconds; 0 for an empty run.
    public func percentile(_ p: Double) -> Double {
        guard !sortedMicroseconds.isEmpty else { return 0 }
        // The epsilon keeps 99.9 % of 1,000 at rank 999: 99.9 / 100 is a hair above 0.999.
        let rank = Int((p * Double(sortedMicroseconds.count) / 100 - 1e-9).rounded(.up))
        return sortedMicroseconds[min(max(rank, 1), sortedMicroseconds.count) - 1]
    }
}
