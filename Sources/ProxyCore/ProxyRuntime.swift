import NIOCore
import Synchronization
import TraceContext
import Zipkin

/// What every connection of one proxy shares: the live settings, counters, the span
/// reporter and the request limits. Settings change at runtime through the admin API; each
/// request reads one consistent copy.
public final class ProxyRuntime: Sendable {
    public let initialSettings: ProxySettings
    public let statistics: ProxyStatistics
    public let reporter: any SpanReporter
    public let requestGuard: RequestGuard
    /// How long the app may take to answer an inbound request.
    public let appTimeout: TimeAmount
    /// Reads `--propagation`, fixed for the process.
    public let decider: TraceDecider
    /// Reporter counters for `/stats` (nil when spans are discarded).
    public let reporterStatistics: (@Sendable () -> ReporterCounters)?

    private let settingsBox: Mutex<ProxySettings>
    private let active = Atomic<Int>(0)
    private let ready = Atomic<Bool>(false)

    /// The reporter's counters as `/stats` shows them.
    public struct ReporterCounters: Hashable, Sendable {
        public var reported: UInt64
        public var dropped: UInt64
        public var queued: UInt64
        public var failedBatches: UInt64

        public init(reported: UInt64 = 0, dropped: UInt64 = 0, queued: UInt64 = 0, failedBatches: UInt64 = 0) {
            self.reported = reported
            self.dropped = dropped
            self.queued = queued
            self.failedBatches = failedBatches
        }
    }

    public init(
        settings: ProxySettings, reporter: any SpanReporter, reporterStatistics: (@Sendable () -> ReporterCounters)? = nil,
        requestGuard: RequestGuard = .init(), appTimeout: TimeAmount = .seconds(30)
    ) {
        self.initialSettings = settings
        self.settingsBox = Mutex(settings)
        self.statistics = ProxyStatistics()
        self.reporter = reporter
        self.reporterStatistics = reporterStatistics
        self.requestGuard = requestGuard
        self.appTimeout = appTimeout
        self.decider = TraceDecider(formats: settings.propagation)
    }

    public var settings: ProxySettings { settingsBox.withLock { $0 } }

    /// Applies a route update (creating the route if needed); returns the new settings.
    public func updateRoute(_ service: String, _ update: RouteUpdate) throws(ProxyConfigurationError) -> ProxySettings {
        try ServiceName.validate(service)
        let name = service.lowercased()
        return try settingsBox.withLock { (settings: inout ProxySettings) throws(ProxyConfigurationError) -> ProxySettings in
            settings.routes[name] = try update.applied(to: settings.routes[name])
            return settings
        }
    }

    public func setSampling(_ rate: Double) throws(ProxyConfigurationError) -> ProxySettings {
        try ProxySettings.validateSampling(rate)
        return settingsBox.withLock { settings in
            settings.sampling = rate
            return settings
        }
    }

    /// Shifts the timestamps of the spans reported from now on (the clock-skew lesson).
    public func setClockOffset(_ microseconds: Int64) -> ProxySettings {
        settingsBox.withLock { settings in
            settings.clockOffsetMicroseconds = microseconds
            return settings
        }
    }

    /// Back to the start-up configuration (bound addresses stay as they are).
    public func reset() -> ProxySettings {
        settingsBox.withLock { settings in
            var fresh = initialSettings
            fresh.inbound = settings.inbound
            fresh.outbound = settings.outbound
            settings = fresh
            return settings
        }
    }

    /// Records the addresses the listeners actually bound (port 0 resolved).
    public func setBoundAddresses(inbound: HostPort, outbound: HostPort?) {
        settingsBox.withLock { settings in
            settings.inbound = inbound
            settings.outbound = outbound
        }
    }

    public var isReady: Bool { ready.load(ordering: .relaxed) }
    public func setReady(_ value: Bool) { ready.store(value, ordering: .relaxed) }

    /// Requests being proxied now (graceful shutdown waits for 0).
    public var activeRequests: Int { active.load(ordering: .relaxed) }
    func exchangeStarted() { active.wrappingAdd(1, ordering: .relaxed) }
    func exchangeFinished() { active.wrappingSubtract(1, ordering: .relaxed) }
}
