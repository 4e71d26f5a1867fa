/// One upstream endpoint of a route with its share of the traffic.
public struct RouteEndpoint: Hashable, Sendable, Codable {
    public var address: HostPort
    public var weight: Int

    public init(address: HostPort, weight: Int = 100) {
        self.address = address
        self.weight = weight
    }
}

/// How calls to one destination service are sent: weighted endpoints, faults, timeout, retries.
public struct Route: Hashable, Sendable {
    /// Default per-try timeout of a route (Istio has none; a lab wants hung calls to end).
    public static let defaultTimeoutMilliseconds = 15_000

    public var endpoints: [RouteEndpoint]
    public var fault: FaultPolicy?
    public var timeoutMilliseconds: Int
    /// Extra attempts after a connect failure (a new endpoint is picked each time).
    public var retries: Int

    public init(endpoints: [RouteEndpoint], fault: FaultPolicy? = nil, timeoutMilliseconds: Int = Route.defaultTimeoutMilliseconds, retries: Int = 0) {
        self.endpoints = endpoints
        self.fault = fault
        self.timeoutMilliseconds = timeoutMilliseconds
        self.retries = retries
    }

    /// Picks an endpoint with probability weight / total weight; nil when all weights are 0.
    public func pickEndpoint<G: RandomNumberGenerator>(using generator: inout G) -> RouteEndpoint? {
        if endpoints.count == 1 { return endpoints[0].weight > 0 ? endpoints[0] : nil }
        let total = endpoints.reduce(0) { $0 + max(0, $1.weight) }
        guard total > 0 else { return nil }
        var draw = Int.random(in: 0..<total, using: &generator)
        for endpoint in endpoints where endpoint.weight > 0 {
            if draw < endpoint.weight { return endpoint }
            draw -= endpoint.weight
        }
        return nil
    }

    public func validate() throws(ProxyConfigurationError) {
        guard !endpoints.isEmpty else { throw ProxyConfigurationError(.invalidRoute("no endpoints")) }
        for endpoint in endpoints where endpoint.weight < 0 {
            throw ProxyConfigurationError(.invalidWeight("\(endpoint.weight)"))
        }
        guard endpoints.contains(where: { $0.weight > 0 }) else {
            throw ProxyConfigurationError(.invalidWeight(endpoints.map { "\($0.weight)" }.joined(separator: ",")))
        }
        guard timeoutMilliseconds >= 0 else { throw ProxyConfigurationError(.invalidNumber(field: "timeoutMilliseconds", value: "\(timeoutMilliseconds)")) }
        guard retries >= 0 else { throw ProxyConfigurationError(.invalidNumber(field: "retries", value: "\(retries)")) }
        try fault?.validate()
    }
}
