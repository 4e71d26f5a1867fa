import TraceContext

/// The requests the driver sends to the lab's entry sidecar.
public struct TrafficPlan: Hashable, Sendable {
    /// How many requests to send, or how long to keep sending.
    public enum Amount: Hashable, Sendable {
        case requests(Int)
        case duration(Duration)
    }

    /// A fresh trace context the driver generates for each request (so the trace id is known
    /// before the spans arrive, and a lesson can force a debug or an unsampled trace).
    public struct ContextInjection: Hashable, Sendable {
        public enum Sampling: String, Hashable, Sendable, CaseIterable {
            case sampled, unsampled = "not-sampled", debug, deferred
        }
        public var format: PropagationFormat
        public var sampling: Sampling
        public init(format: PropagationFormat, sampling: Sampling = .deferred) {
            self.format = format
            self.sampling = sampling
        }
    }

    public var path: String
    public var method: String
    public var amount: Amount
    public var concurrency: Int
    /// Requests per second across all workers; nil sends as fast as the concurrency allows.
    public var rate: Double?
    /// Extra headers on every request (e.g. `x-b3-flags: "1"`).
    public var headers: [String: String]
    public var context: ContextInjection?

    public init(path: String, method: String = "GET", amount: Amount = .requests(20), concurrency: Int = 1,
                rate: Double? = nil, headers: [String: String] = [:], context: ContextInjection? = nil) {
        self.path = path
        self.method = method
        self.amount = amount
        self.concurrency = concurrency
        self.rate = rate
        self.headers = headers
        self.context = context
    }

    /// The number of requests when it is fixed in advance.
    public var fixedRequestCount: Int? {
        if case .requests(let count) = amount { return count }
        return nil
    }

    /// Requests whose headers force the debug flag (`x-b3-flags: 1`, `b3: …-d`, or an injected
    /// debug context): they must all be recorded whatever the sampling rate.
    public var forcesDebug: Bool {
        if context?.sampling == .debug { return true }
        for (name, value) in headers {
            switch name.lowercased() {
            case TraceHeaders.b3Flags where value.trimmingSpaces() == "1": return true
            case TraceHeaders.b3 where value == "d" || value.split(separator: "-").dropFirst(2).first == "d": return true
            default: continue
            }
        }
        return false
    }
}
