/// Faults injected into the calls of one route, as Istio's `VirtualService.http.fault` does:
/// a fixed delay for a percentage of requests and/or an abort with a status for a percentage.
public struct FaultPolicy: Hashable, Sendable, Codable {
    public struct Delay: Hashable, Sendable, Codable {
        public var milliseconds: Int
        public var percent: Double

        public init(milliseconds: Int, percent: Double) {
            self.milliseconds = milliseconds
            self.percent = percent
        }
    }

    public struct Abort: Hashable, Sendable, Codable {
        public var status: Int
        public var percent: Double

        public init(status: Int, percent: Double) {
            self.status = status
            self.percent = percent
        }
    }

    public var delay: Delay?
    public var abort: Abort?

    public init(delay: Delay? = nil, abort: Abort? = nil) {
        self.delay = delay
        self.abort = abort
    }

    /// What to do to one request; both can apply (delay, then abort), as in Envoy.
    public struct Decision: Hashable, Sendable {
        public var delayMilliseconds: Int?
        public var abortStatus: Int?

        public init(delayMilliseconds: Int? = nil, abortStatus: Int? = nil) {
            self.delayMilliseconds = delayMilliseconds
            self.abortStatus = abortStatus
        }

        public static let none = Decision()
    }

    /// Draws the decision for one request (one uniform draw per configured fault).
    public func decide<G: RandomNumberGenerator>(using generator: inout G) -> Decision {
        var decision = Decision()
        if let delay, delay.milliseconds > 0, Self.hit(delay.percent, using: &generator) {
            decision.delayMilliseconds = delay.milliseconds
        }
        if let abort, Self.hit(abort.percent, using: &generator) {
            decision.abortStatus = abort.status
        }
        return decision
    }

    private static func hit<G: RandomNumberGenerator>(_ percent: Double, using generator: inout G) -> Bool {
        if percent >= 100 { return true }
        if percent <= 0 { return false }
        return Double.random(in: 0..<100, using: &generator) < percent
    }

    /// Checks ranges; the admin API answers 400 with this message.
    public func validate() throws(ProxyConfigurationError) {
        if let delay {
            guard delay.milliseconds >= 0 else { throw ProxyConfigurationError(.invalidNumber(field: "fault.delay.milliseconds", value: "\(delay.milliseconds)")) }
            guard (0...100).contains(delay.percent) else { throw ProxyConfigurationError(.invalidPercent(field: "fault.delay.percent", value: "\(delay.percent)")) }
        }
        if let abort {
            guard (200...599).contains(abort.status) else { throw ProxyConfigurationError(.invalidStatus("\(abort.status)")) }
            guard (0...100).contains(abort.percent) else { throw ProxyConfigurationError(.invalidPercent(field: "fault.abort.percent", value: "\(abort.percent)")) }
        }
    }
}
