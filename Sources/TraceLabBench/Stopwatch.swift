/// Runs a body repeatedly on the calling thread for a fixed wall-clock window and counts.
///
/// The body runs in chunks that grow until one chunk takes at least a millisecond, so reading
/// the clock costs nothing measurable next to a 100 ns operation, and the window is overshot by
/// at most one chunk.
struct Stopwatch {
    let seconds: Double
    let clock = ContinuousClock()

    /// Times `body`; each call does `operationsPerCall` operations and returns a value folded
    /// into `checksum` so the work cannot be optimised away.
    func measure(
        _ name: String, unit: String, operationsPerCall: Int, target: Double? = nil,
        checksum: inout UInt64, _ body: () -> UInt64
    ) -> BenchmarkResult {
        // Warm caches and branch predictors on a short untimed run.
        let warmUpEnd = clock.now.advanced(by: .milliseconds(Int64(max(10, min(200, seconds * 100)))))
        while clock.now < warmUpEnd {
            for _ in 0..<16 { checksum &+= body() }
        }

        var calls: UInt64 = 0
        var chunk: UInt64 = 1
        let start = clock.now
        var elapsed = 0.0
        repeat {
            let chunkStart = clock.now
            for _ in 0..<chunk { checksum &+= body() }
            calls += chunk
            let now = clock.now
            if Stopwatch.seconds(now - chunkStart) < 0.001 { chunk *= 2 }
            elapsed = Stopwatch.seconds(now - start)
        } while elapsed < seconds
        return BenchmarkResult(name: name, unit: unit, operations: calls * UInt64(operationsPerCall), seconds: elapsed, target: target)
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
