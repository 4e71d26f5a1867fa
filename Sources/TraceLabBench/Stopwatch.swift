#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a body repeatedly on the calling thread for a fixed window of the thread's CPU time and
/// counts.
///
/// Rates are per CPU-second of this thread, which is what "per core" means: when other
/// processes compete for the machine's cores, wall-clock rates fall with the time this thread
/// spends descheduled, CPU-time rates do not. The wall-clock time is kept beside it.
///
/// The body runs in chunks that grow until one chunk takes at least a millisecond, so reading
/// the clock costs nothing measurable next to a 100 ns operation.
struct Stopwatch {
    let seconds: Double
    /// How many slices a timed run is cut into; the figure is the median slice's rate.
    static let sliceCount = 9

    /// Times `body`; each call does `operationsPerCall` operations and returns a value folded
    /// into `checksum` so the work cannot be optimised away.
    func measure(
        _ name: String, unit: String, operationsPerCall: Int, target: Double? = nil,
        checksum: inout UInt64, _ body: () -> UInt64
    ) -> BenchmarkResult {
        // Warm caches and branch predictors on a short untimed run.
        let warmUpEnd = Stopwatch.threadCPUSeconds() + max(0.01, min(0.2, seconds / 10))
        while Stopwatch.threadCPUSeconds() < warmUpEnd {
            for _ in 0..<16 { checksum &+= body() }
        }

        // The timed run is cut into slices and the figure is the median slice's rate: on a
        // shared VM, neighbours slow some slices down (the whole-run rate of one case moved
        // by ±25 % between runs); the median is what the code does when left alone, and the
        // slowest and fastest slices are reported beside it so the noise stays visible.
        let sliceSeconds = max(0.02, seconds / Double(Stopwatch.sliceCount))
        var calls: UInt64 = 0
        var chunk: UInt64 = 1
        var sliceRates: [Double] = []
        let wallStart = ContinuousClock.now
        let start = Stopwatch.threadCPUSeconds()
        var elapsed = 0.0
        repeat {
            let sliceStart = Stopwatch.threadCPUSeconds()
            var sliceCalls: UInt64 = 0
            var sliceElapsed = 0.0
            repeat {
                let chunkStart = Stopwatch.threadCPUSeconds()
                for _ in 0..<chunk { checksum &+= body() }
                sliceCalls += chunk
                let now = Stopwatch.threadCPUSeconds()
                if now - chunkStart < 0.001 { chunk *= 2 }
                sliceElapsed = now - sliceStart
            } while sliceElapsed < sliceSeconds
            calls += sliceCalls
            sliceRates.append(Double(sliceCalls * UInt64(operationsPerCall)) / sliceElapsed)
            elapsed = Stopwatch.threadCPUSeconds() - start
        } while elapsed < seconds
        let wall = ContinuousClock.now - wallStart
        var result = BenchmarkResult(name: name, unit: unit, operations: calls * UInt64(operationsPerCall), seconds: elapsed, target: target)
        result.wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        let sorted = sliceRates.sorted()
        result.perSecond = sorted[sorted.count / 2]
        result.slowestSlicePerSecond = sorted.first
        result.fastestSlicePerSecond = sorted.last
        return result
    }

    /// CPU time consumed by the calling thread.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
