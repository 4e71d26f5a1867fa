import AsyncHTTPClient
import NIOCore

/// A fixed-rate load: request `i` is scheduled at `start + i / rate` whatever happened to the
/// ones before it (open model), with at most `connections` in flight; a request that has to
/// wait for a free slot still counts its latency from its scheduled start, so a stall shows
/// in the figures instead of slowing the load down.
struct OpenModelLoad {
    var rate: Double
    var duration: Duration
    var connections: Int

    struct Outcome<Result> {
        /// What each successful request produced.
        var results: [Result]
        var failures: Int
        var elapsedSeconds: Double
    }

    /// Runs the load; `send` gets each request's scheduled start and returns nil for a failure.
    func run<Result: Sendable>(_ send: @escaping @Sendable (ContinuousClock.Instant) async -> Result?) async -> Outcome<Result> {
        let total = max(1, Int(rate * Double(duration.components.seconds) + rate * Double(duration.components.attoseconds) / 1e18))
        let interval = Duration.nanoseconds(Int64(1e9 / rate))
        let clock = ContinuousClock()
        let start = clock.now
        var results: [Result] = []
        results.reserveCapacity(total)
        var failures = 0
        await withTaskGroup(of: Result?.self) { group in
            var inFlight = 0
            for index in 0..<total {
                let scheduled = start.advanced(by: interval * index)
                if scheduled > clock.now { try? await clock.sleep(until: scheduled) }
                while inFlight >= connections, let result = await group.next() {
                    inFlight -= 1
                    if let result { results.append(result) } else { failures += 1 }
                }
                inFlight += 1
                group.addTask { await send(scheduled) }
            }
            for await result in group {
                if let result { results.append(result) } else { failures += 1 }
            }
        }
        let elapsed = start.duration(to: clock.now)
        return Outcome(results: results, failures: failures,
                       elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// GET `url`: a 200's latency in microseconds from its scheduled start, nil otherwise.
    static func timedGet(_ url: String, client: HTTPClient) -> @Sendable (ContinuousClock.Instant) async -> Double? {
        { scheduled in
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "user-agent", value: "tracelab-bench")
            do {
                let response = try await client.execute(request, timeout: .seconds(10))
                _ = try await response.body.collect(upTo: 1 << 20)
                guard response.status == .ok else { return nil }
                let elapsed = scheduled.duration(to: ContinuousClock.now)
                return Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
            } catch {
                return nil
            }
        }
    }
}
