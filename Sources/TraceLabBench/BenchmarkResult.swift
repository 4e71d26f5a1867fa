/// One measured figure of a benchmark run.
public struct BenchmarkResult: Codable, Hashable, Sendable {
    /// What was measured, e.g. `b3-multi extract+inject`.
    public var name: String
    /// What one operation is: `op` (a header extract+inject) or `span`.
    public var unit: String
    /// Operations completed in the timed window.
    public var operations: UInt64
    /// CPU time of the benchmark thread spent in the timed window.
    public var seconds: Double
    /// Wall-clock length of the same window (longer when other processes took the core).
    public var wallSeconds: Double?
    /// The rate per CPU-second, i.e. per core: `operations / seconds`, or, when the stopwatch
    /// measured in slices, the median slice's rate.
    public var perSecond: Double
    /// The slowest and fastest timed slices' rates, to show how noisy the machine was.
    public var slowestSlicePerSecond: Double?
    public var fastestSlicePerSecond: Double?
    /// The target for this figure, if it has one.
    public var target: Double?
    /// The name of the peer result this one is compared with (Foundation on the same input).
    public var peer: String?
    /// `perSecond / peer.perSecond`.
    public var ratioToPeer: Double?

    public init(name: String, unit: String, operations: UInt64, seconds: Double, target: Double? = nil) {
        self.name = name
        self.unit = unit
        self.operations = operations
        self.seconds = seconds
        self.perSecond = seconds > 0 ? Double(operations) / seconds : 0
        self.target = target
    }

    /// Whether the figure meets its target (nil when there is none).
    public var meetsTarget: Bool? {
        target.map { perSecond >= $0 }
    }
}

/// Everything one `bench codec` run measured.
public struct CodecBenchmarkReport: Codable, Hashable, Sendable {
    /// Seconds spent on each figure.
    public var secondsPerCase: Double
    /// Spans in the fixtures, per file.
    public var fixtureSpans: [String: Int]
    public var results: [BenchmarkResult]
    /// A value folded from every result so the optimiser cannot drop the measured work; printed
    /// so that it is observably used.
    public var checksum: UInt64

    public init(secondsPerCase: Double, fixtureSpans: [String: Int], results: [BenchmarkResult], checksum: UInt64) {
        self.secondsPerCase = secondsPerCase
        self.fixtureSpans = fixtureSpans
        self.results = results
        self.checksum = checksum
    }

    public func result(named name: String) -> BenchmarkResult? {
        results.first { $0.name == name }
    }
}
