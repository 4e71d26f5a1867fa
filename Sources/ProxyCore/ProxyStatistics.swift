import Synchronization

/// Request, response, upstream and fault counters plus a latency histogram, shared by every
/// event loop of one proxy (`/stats` and `/metrics` read them).
public final class ProxyStatistics: Sendable {
    /// Upper bounds (seconds) of the latency histogram's buckets (`+Inf` is implicit).
    public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    public struct Snapshot: Hashable, Sendable {
        public var inboundRequests: UInt64 = 0
        public var outboundRequests: UInt64 = 0
        public var responses2xx: UInt64 = 0
        public var responses3xx: UInt64 = 0
        public var responses4xx: UInt64 = 0
        public var responses5xx: UInt64 = 0
        public var connectFailures: UInt64 = 0
        public var timeouts: UInt64 = 0
        public var faultsDelayed: UInt64 = 0
        public var faultsAborted: UInt64 = 0
        public var rejectedRequests: UInt64 = 0
        /// Downstream connections open now, refused at the limit, and closed by a deadline.
        public var openConnections: Int = 0
        public var refusedConnections: UInt64 = 0
        public var requestHeadTimeouts: UInt64 = 0
        public var idleConnectionsClosed: UInt64 = 0
        /// Per direction (inbound, outbound): cumulative bucket counts, then the count and sum.
        public var latencyBucketCounts: [[UInt64]] = [Array(repeating: 0, count: ProxyStatistics.latencyBuckets.count), Array(repeating: 0, count: ProxyStatistics.latencyBuckets.count)]
        public var latencyCount: [UInt64] = [0, 0]
        public var latencySumSeconds: [Double] = [0, 0]

        public init() {}
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    public func requestStarted(_ direction: ProxyDirection) {
        state.withLock { state in
            switch direction {
            case .inbound: state.inboundRequests += 1
            case .outbound: state.outboundRequests += 1
            }
        }
    }

    public func responseFinished(_ direction: ProxyDirection, status: Int, durationNanoseconds: UInt64) {
        let seconds = Double(durationNanoseconds) / 1e9
        let index = direction == .inbound ? 0 : 1
        state.withLock { state in
            switch status {
            case 200..<300: state.responses2xx += 1
            case 300..<400: state.responses3xx += 1
            case 400..<500: state.responses4xx += 1
            case 500..<600: state.responses5xx += 1
            default: break
            }
            if let bucket = Self.latencyBuckets.firstIndex(where: { seconds <= $0 }) {
                state.latencyBucketCounts[index][bucket] += 1
            }
            state.latencyCount[index] += 1
            state.latencySumSeconds[index] += seconds
        }
    }

    public func connectFailed() { state.withLock { $0.connectFailures += 1 } }
    public func timedOut() { state.withLock { $0.timeouts += 1 } }
    public func faultDelayed() { state.withLock { $0.faultsDelayed += 1 } }
    public func faultAborted() { state.withLock { $0.faultsAborted += 1 } }
    public func requestRejected() { state.withLock { $0.rejectedRequests += 1 } }

    /// Counts a new downstream connection; false (and counted as refused) at `limit`.
    public func connectionOpened(limit: Int) -> Bool {
        state.withLock { state in
            guard state.openConnections < limit else {
                state.refusedConnections += 1
                return false
            }
            state.openConnections += 1
            return true
        }
    }

    public func connectionClosed() { state.withLock { $0.openConnections -= 1 } }

    public func deadlineFired(_ kind: ConnectionDeadlines.Kind) {
        state.withLock { state in
            switch kind {
            case .requestHead: state.requestHeadTimeouts += 1
            case .idle: state.idleConnectionsClosed += 1
            }
        }
    }
}

/// Which listener a request came in on.
public enum ProxyDirection: String, Sendable, Hashable {
    /// Traffic for this service, forwarded to the app (SERVER spans).
    case inbound
    /// The app's calls to other services (CLIENT spans).
    case outbound
}
