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
    /// The largest request head accepted (request line and fields); Envoy's default is 60 KiB.
    public let maxHeaderBytes: Int
    /// How long the app may take to answer an inbound request.
    public let appTimeout: TimeAmount
    /// Reporter counters for `/stats` (nil when spans are discarded).
    public let reporterStatistics: (@Sendable () -> ReporterCounters)?

    /// The settings and the decider for their propagation formats, changed together so a
    /// request never reads formats its decider does not speak.
    private let liveBox: Mutex<Live>
    private let active = Atomic<Int>(0)
    private let ready = Atomic<Bool>(false)

    /// The reporter's counters as `/stats` shows them.
    public struct ReporterCounters: Hashable, Sendable {
        public var reported: UInt64
        public var dropped: UInt64
        public var queued: UInt64
        public var failedBatches: UInt64
        /// `--span-log`: spans written, dropped (queue full or failed write), waiting, failed writes.
        public var logWritten: UInt64
        public var logDropped: UInt64
        public var logQueued: UInt64
        public var logWriteErrors: UInt64

        public init(
            reported: UInt64 = 0, dropped: UInt64 = 0, queued: UInt64 = 0, failedBatches: UInt64 = 0,
            logWritten: UInt64 = 0, logDropped: UInt64 = 0, logQueued: UInt64 = 0, logWriteErrors: UInt64 = 0
        ) {
            self.reported = reported
            self.dropped = dropped
            self.queued = queued
            self.failedBatches = failedBatches
            self.logWritten = logWritten
            self.logDropped = logDropped
            self.logQueued = logQueued
            self.logWriteErrors = logWriteErrors
        }
    }

    public init(
        settings: ProxySettings, reporter: any SpanReporter, reporterStatistics: (@Sendable () -> ReporterCounters)? = nil,
        maxHeaderBytes: Int = 60 * 1024, appTimeout: TimeAmount = .seconds(30)
    ) {
        self.initialSettings = settings
        self.liveBox = Mutex(Live(settings: settings))
        self.statistics = ProxyStatistics()
        self.reporter = reporter
        self.reporterStatistics = reporterStatistics
        self.maxHeaderBytes = max(maxHeaderBytes, 1024)
        self.appTimeout = appTimeout
    }

    /// What one request reads: the settings and the decider for their propagation formats.
    /// Immutable and shared: a request takes a reference (one retain) instead of copying
    /// every field of the settings and the decider; a change swaps in a new one.
    public final class Live: Sendable {
        public let settings: ProxySettings
        public let decider: TraceDecider

        init(settings: ProxySettings) {
            self.settings = settings
            self.decider = TraceDecider(formats: settings.propagation)
        }

        private init(settings: ProxySettings, decider: TraceDecider) {
            self.settings = settings
            self.decider = decider
        }

        /// The same decider (its formats did not change) with other settings.
        func with<E: Error>(_ change: (inout ProxySettings) throws(E) -> Void) throws(E) -> Live {
            var settings = self.settings
            try change(&settings)
            return Live(settings: settings, decider: decider)
        }
    }

    /// The live settings and decider (read once per request).
    public var live: Live { liveBox.withLock { $0 } }

    public var settings: ProxySettings { liveBox.withLock { $0.settings } }

    /// Applies a route update (creating the route if needed); returns the new settings.
    public func updateRoute(_ service: String, _ update: RouteUpdate) throws(ProxyConfigurationError) -> ProxySettings {
        try ServiceName.validate(service)
        let name = service.lowercased()
        return try liveBox.withLock { (live: inout Live) throws(ProxyConfigurationError) -> ProxySettings in
            live = try live.with { (settings: inout ProxySettings) throws(ProxyConfigurationError) in
                settings.routes[name] = try update.applied(to: settings.routes[name])
            }
            return live.settings
        }
    }

    public func setSampling(_ rate: Double) throws(ProxyConfigurationError) -> ProxySettings {
        try ProxySettings.validateSampling(rate)
        return liveBox.withLock { live in
            live = live.with { $0.sampling = rate }
            return live.settings
        }
    }

    /// Changes the formats read and written from the next request on: the lessons that need
    /// a B3-only or W3C-only mesh switch a running lab's sidecars instead of restarting them.
    public func setPropagation(_ formats: [PropagationFormatName]) throws(ProxyConfigurationError) -> ProxySettings {
        guard !formats.isEmpty else { throw ProxyConfigurationError(.invalidJSON("no propagation format: use b3multi, b3single or w3c")) }
        return liveBox.withLock { live in
            var settings = live.settings
            settings.propagation = formats
            live = Live(settings: settings)
            return live.settings
        }
    }

    /// Points inbound traffic at another app (a user's own app standing in for the lab's, for
    /// one lesson); `reset` points it back.
    public func setApp(_ address: HostPort) -> ProxySettings {
        liveBox.withLock { live in
            live = live.with { $0.app = address }
            return live.settings
        }
    }

    /// Shifts the timestamps of the spans reported from now on (the clock-skew lesson).
    public func setClockOffset(_ microseconds: Int64) -> ProxySettings {
        liveBox.withLock { live in
            live = live.with { $0.clockOffsetMicroseconds = microseconds }
            return live.settings
        }
    }

    /// Back to the start-up configuration (bound addresses stay as they are).
    public func reset() -> ProxySettings {
        liveBox.withLock { live in
            var fresh = initialSettings
            fresh.inbound = live.settings.inbound
            fresh.outbound = live.settings.outbound
            live = Live(settings: fresh)
            return live.settings
        }
    }

    /// Records the addresses the listeners actually bound (port 0 resolved).
    public func setBoundAddresses(inbound: HostPort, outbound: HostPort?) {
        liveBox.withLock { live in
            live = live.with {
                $0.inbound = inbound
                $0.outbound = outbound
            }
        }
    }

    public var isReady: Bool { ready.load(ordering: .relaxed) }
    public func setReady(_ value: Bool) { ready.store(value, ordering: .relaxed) }

    /// Requests being proxied now (graceful shutdown waits for 0).
    public var activeRequests: Int { active.load(ordering: .relaxed) }
    func exchangeStarted() { active.wrappingAdd(1, ordering: .relaxed) }
    func exchangeFinished() { active.wrappingSubtract(1, ordering: .relaxed) }
}
