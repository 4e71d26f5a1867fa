import Logging
import ScenarioModel
import Zipkin

/// Waits until the backend holds exactly the spans a run's requests must have produced, and
/// not a poll longer: it knows the expected spans of each request (`ExpectedSpans`), polls
/// with backoff, finishes as soon as every request is covered, and at the deadline reports
/// which spans of which trace are missing.
///
/// Requests that may legitimately leave no span (sampled out, collector down) cannot be told
/// apart from spans still in flight, so when such requests exist the waiter also needs the
/// span count to stay unchanged for `settle` before it stops.
public struct SpanWaiter: Sendable {
    public struct Configuration: Sendable {
        /// The longest the verifier waits for spans.
        public var deadline: Duration
        public var initialBackoff: Duration
        public var maximumBackoff: Duration
        /// Quiet time needed before unrecorded requests are accepted as unrecorded.
        public var settle: Duration
        /// How far back the backend is searched.
        public var lookback: Duration

        public init(deadline: Duration = .seconds(30), initialBackoff: Duration = .milliseconds(100),
                    maximumBackoff: Duration = .seconds(1), settle: Duration = .seconds(2), lookback: Duration = .seconds(900)) {
            self.deadline = deadline
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
            self.settle = settle
            self.lookback = lookback
        }
    }

    public struct Outcome: Sendable {
        /// Every trace attributed to the run (and unattributed fragments of it).
        public var traces: [[ZipkinSpan]]
        public var missing: [MissingSpans]
        public var timedOut: Bool
        public var polls: Int
        public var waited: Duration
    }

    public let backend: any TraceBackend
    public let clock: any WaitClock
    /// The services whose traces are listed (the lab's services).
    public let services: [String]
    public let configuration: Configuration
    public let logger: Logger

    public init(backend: any TraceBackend, services: [String], clock: any WaitClock = ContinuousWaitClock(),
                configuration: Configuration = Configuration(), logger: Logger = Logger(label: "tracelab.verifier")) {
        self.backend = backend
        self.services = services
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
    }

    /// The ids of the traces the backend holds now, read before a run's traffic: they belong to
    /// earlier runs even when a span of theirs is stamped after the run started (a host whose
    /// clock is ahead, lesson 09), so `wait` leaves them out.
    public func storedTraceIDs() async throws -> Set<String> {
        Set(try await fetch(requests: [], limit: 300, runStartMicros: 0).keys)
    }

    /// Waits for `requests`' spans. `earlier` (from `storedTraceIDs()` before the traffic) are
    /// traces of earlier runs, left out unless a request of this run claims the id.
    public func wait(for requests: [RecordedRequest], expected: ExpectedSpans, runStartMicros: UInt64,
                     earlier: Set<String> = []) async throws -> Outcome {
        let start = clock.elapsed()
        var backoff = configuration.initialBackoff
        var polls = 0
        var lastCount = -1
        var lastChange = start
        var traces: [String: [ZipkinSpan]] = [:]
        var missing: [MissingSpans] = []
        let limit = max(100, requests.count * 4 + 50)
        while true {
            polls += 1
            traces = try await fetch(requests: requests, limit: limit, runStartMicros: runStartMicros, earlier: earlier)
            let spanCount = traces.values.reduce(0) { $0 + $1.count }
            let now = clock.elapsed()
            if spanCount != lastCount {
                lastCount = spanCount
                lastChange = now
            }
            let attribution = RequestAttribution.attribute(requests: requests, traces: traces)
            missing = Self.missingSpans(requests: requests, traces: traces, attribution: attribution, expected: expected)
            let unrecorded = requests.contains { (attribution[$0.index] ?? []).isEmpty }
            let settled = !unrecorded || now - lastChange >= configuration.settle
            if missing.isEmpty, settled {
                logger.debug("all expected spans in", metadata: ["polls": "\(polls)", "spans": "\(spanCount)"])
                return Outcome(traces: Array(traces.values), missing: [], timedOut: false, polls: polls, waited: now - start)
            }
            if now - start >= configuration.deadline {
                return Outcome(traces: Array(traces.values), missing: missing, timedOut: true, polls: polls, waited: now - start)
            }
            let remaining = configuration.deadline - (now - start)
            try await clock.sleep(for: min(backoff, remaining))
            backoff = min(backoff * 2, configuration.maximumBackoff)
        }
    }

    /// The run's traces: listed per service, plus any known trace id the listing missed.
    /// Traces all of whose spans started before the run are left out (an earlier run's). The
    /// test is per trace, not per span: a host whose clock is behind (the clock-skew lesson)
    /// stamps its spans before the run started, and they still belong to it. A host whose
    /// clock is ahead makes an earlier run's trace look new, hence `earlier`.
    func fetch(requests: [RecordedRequest], limit: Int, runStartMicros: UInt64,
               earlier: Set<String> = []) async throws -> [String: [ZipkinSpan]] {
        var byTrace: [String: [SpanIdentity: ZipkinSpan]] = [:]
        func add(_ spans: [ZipkinSpan]) {
            for span in spans {
                byTrace[TraceIDText.normalised(span.traceID.hex), default: [:]][SpanIdentity(span)] = span
            }
        }
        for service in services {
            for trace in try await backend.traces(serviceName: service, lookback: configuration.lookback, limit: limit) {
                add(trace)
            }
        }
        for request in requests {
            guard let id = request.traceID.map(TraceIDText.normalised), byTrace[id] == nil else { continue }
            add(try await backend.trace(id: id))
        }
        let claimed = Set(requests.compactMap { $0.traceID.map(TraceIDText.normalised) })
        // Same machine, same clock for the entry spans: 50 ms of slack.
        byTrace = byTrace.filter { id, spans in
            (!earlier.contains(id) || claimed.contains(id)) && spans.values.contains { ($0.timestamp ?? UInt64.max) &+ 50_000 >= runStartMicros }
        }
        return byTrace.mapValues { Array($0.values).sorted { ($0.timestamp ?? 0, $0.id.value) < ($1.timestamp ?? 0, $1.id.value) } }
    }

    /// Per request, the expected spans not found. Spans of traces no request claims (a hop
    /// that lost both the trace and the request id) are a shared pool that can cover them.
    static func missingSpans(requests: [RecordedRequest], traces: [String: [ZipkinSpan]], attribution: [Int: [String]],
                             expected: ExpectedSpans) -> [MissingSpans] {
        let claimed = Set(attribution.values.flatMap { $0 })
        var pool = traces.filter { !claimed.contains($0.key) }.values.flatMap { $0 }.compactMap(SpanSignature.init(span:))
        var result: [MissingSpans] = []
        for request in requests {
            let traceIDs = attribution[request.index] ?? []
            let spans = traceIDs.flatMap { traces[$0] ?? [] }
            var missing = expected.missing(from: spans)
            if spans.isEmpty, !expected.allowsUnrecorded {
                missing = expected.alternatives.min { $0.count < $1.count } ?? []
            }
            missing = missing.filter { signature in
                guard let index = pool.firstIndex(where: { signature.isMatched(by: $0) }) else { return true }
                pool.remove(at: index)
                return false
            }
            if !missing.isEmpty {
                result.append(MissingSpans(requestIndex: request.index, requestID: request.requestID, traceIDs: traceIDs,
                                           missing: missing.map(\.description)))
            }
        }
        return result
    }
}

/// Deduplicates a span read twice (from two service listings).
struct SpanIdentity: Hashable {
    var id: UInt64
    var kind: String
    var service: String
    init(_ span: ZipkinSpan) {
        id = span.id.value
        kind = span.kind?.rawValue ?? ""
        service = span.localServiceName ?? ""
    }
}
