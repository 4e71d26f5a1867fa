/// What the caller knows about the trace it hands in: the shape it should have and how
/// strict to be about clocks.
public struct TraceAnalysisOptions: Hashable, Sendable {
    /// Hops that must be present (`productpage -> reviews`); a missing one is an error.
    public var expectedHops: [HopPattern]
    /// The number of spans the trace must hold, when the topology and routes fix it.
    public var expectedSpanCount: Int?
    /// How far (µs) a child may lie outside its parent before its clock is judged skewed.
    /// Processes on one machine share a clock, so the default only absorbs rounding and
    /// the few hundred µs a loopback hop takes.
    public var clockSkewToleranceMicroseconds: UInt64
    /// Callees that report no spans (a plain upstream behind Envoy): a CLIENT span calling
    /// them needs no SERVER counterpart. Matched against the callee's service name or
    /// `upstream_cluster`.
    public var uninstrumentedServices: Set<String>
    /// Services (or node ids) where requests enter the mesh (`productpage`, `service-a`).
    /// When set, a trace whose root SERVER span belongs to another service is a fragment:
    /// its caller's context was lost and the start of the request is in another trace.
    /// Empty: any service may start a trace.
    public var entryServices: Set<String>

    public init(
        expectedHops: [HopPattern] = [],
        expectedSpanCount: Int? = nil,
        clockSkewToleranceMicroseconds: UInt64 = 1_000,
        uninstrumentedServices: Set<String> = [],
        entryServices: Set<String> = []
    ) {
        self.expectedHops = expectedHops
        self.expectedSpanCount = expectedSpanCount
        self.clockSkewToleranceMicroseconds = clockSkewToleranceMicroseconds
        self.uninstrumentedServices = Set(uninstrumentedServices.map { $0.lowercased() })
        self.entryServices = Set(entryServices.map { $0.lowercased() })
    }
}
