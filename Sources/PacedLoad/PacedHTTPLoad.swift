import NIOCore
import NIOPosix

/// A fixed-rate HTTP/1.1 GET load in the open model, as wrk2 paces it: request `i` is due at
/// `start + i / rate` whatever happened to the ones before it, and its latency counts from
/// that moment, so a stalled server shows as latency instead of slowing the load down.
///
/// It runs every request on one event loop over at most `connections` keep-alive connections,
/// with no task, no connection pool and no future per request: the load generator shares the
/// machine with the lab it measures, and an AsyncHTTPClient-based one spent 0.25–0.38 CPU
/// seconds per 1,000 requests there, as much as a third of what the lab's services did.
public struct PacedHTTPLoad: Sendable {
    public var target: HTTPTarget
    /// Requests per second offered.
    public var rate: Double
    /// How long requests are issued for; the run ends when the last one is answered.
    public var duration: Duration
    /// Requests in flight at most, one per connection; a request due while all are busy
    /// waits for the first free one (and that wait is part of its latency).
    public var connections: Int
    /// A request not answered this long after it was sent fails, and its connection is closed.
    public var timeout: Duration

    public init(target: HTTPTarget, rate: Double, duration: Duration, connections: Int, timeout: Duration = .seconds(10)) {
        precondition(rate > 0 && connections > 0, "a load needs a positive rate and at least one connection")
        self.target = target
        self.rate = rate
        self.duration = duration
        self.connections = connections
        self.timeout = timeout
    }

    /// Requests the run sends: `rate × duration`, at least one.
    public var total: Int {
        max(1, Int(rate * (duration / .seconds(1))))
    }

    public struct Success: Sendable, Hashable {
        /// The request's number, 0 ..< `total`: what `headers` was called with.
        public var index: Int
        /// From the request's due time to the end of its response, µs.
        public var latencyMicroseconds: Double
    }

    public struct Outcome: Sendable {
        /// The requests answered with a 2xx, in the order they completed.
        public var successes: [Success]
        /// Requests that failed, by reason ("status 503", "connect: …", "timed out", …).
        public var failureReasons: [String: Int]
        /// From the first due time until the last request was answered or failed.
        public var elapsedSeconds: Double

        public var failures: Int { failureReasons.values.reduce(0, +) }
        public var latenciesMicroseconds: [Double] { successes.map(\.latencyMicroseconds) }
    }

    /// Runs the load on `eventLoop`. `headers`, called on that loop with each request's
    /// number, adds per-request header fields (for example a fresh trace context).
    public func run(on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next(),
                    headers: (@Sendable (Int) -> [(String, String)])? = nil) async -> Outcome {
        let promise = eventLoop.makePromise(of: Outcome.self)
        eventLoop.execute {
            PacedLoadRun(load: self, eventLoop: eventLoop, headers: headers, promise: promise).start()
        }
        // The run always completes its promise: every request ends answered, failed or timed out.
        return try! await promise.futureResult.get()
    }
}
