import AsyncHTTPClient
import Foundation
import LabModel
import Logging
import ScenarioModel
import TraceAnalysis
import Zipkin

/// Runs one scenario end to end against a lab: apply the setup, drive the traffic, restore
/// the setup, wait for exactly the expected spans, analyse every trace and judge the
/// assertions. Lab and admin failures become an outcome with `error` set (exit code 2);
/// assertion failures are an outcome with `passed == false` (exit code 1).
public struct ScenarioRunner: Sendable {
    public struct Options: Sendable {
        public var seed: UInt64
        public var wait: SpanWaiter.Configuration
        public var waterfallWidth: Int
        public var progress: @Sendable (String) -> ProgressReporter
        /// Ask the collector for its verdict of every judged trace and fail the scenario where
        /// it differs (`CollectorVerdictCheck`); needs a target whose collector is TraceLab's.
        public var checkCollectorVerdicts: Bool

        public init(seed: UInt64 = 1, wait: SpanWaiter.Configuration = .init(), waterfallWidth: Int = 100,
                    progress: @escaping @Sendable (String) -> ProgressReporter = { ProgressReporter.automatic(label: $0) },
                    checkCollectorVerdicts: Bool = false) {
            self.seed = seed
            self.wait = wait
            self.waterfallWidth = waterfallWidth
            self.progress = progress
            self.checkCollectorVerdicts = checkCollectorVerdicts
        }
    }

    public let target: LabTarget
    public let httpClient: HTTPClient
    public let options: Options
    public let logger: Logger

    public init(target: LabTarget, httpClient: HTTPClient = .shared, options: Options = Options(), logger: Logger = Logger(label: "tracelab.run")) {
        self.target = target
        self.httpClient = httpClient
        self.options = options
        self.logger = logger
    }

    public func run(_ scenario: ScenarioDefinition) async -> ScenarioOutcome {
        let clock = ContinuousClock()
        let began = clock.now
        var outcome = ScenarioOutcome(name: scenario.name, file: scenario.file, lab: scenario.lab.rawValue, lesson: scenario.lesson, passed: false)
        outcome.seed = options.seed
        do throws(ScenarioRunError) {
            try await run(scenario, into: &outcome)
        } catch {
            outcome.passed = false
            outcome.error = error.description
        }
        outcome.durationMillis = Int((clock.now - began).microseconds / 1_000)
        outcome.finishedAt = Date().formatted(.iso8601)
        return outcome
    }

    func run(_ scenario: ScenarioDefinition, into outcome: inout ScenarioOutcome) async throws(ScenarioRunError) {
        guard let entry = target.entries[scenario.lab] else {
            throw ScenarioRunError(.unsupported("the \(scenario.lab) lab is not running here; start it with `tracelab up --lab \(scenario.lab)` or give --entry"))
        }
        let admin = AdminClient(httpClient: httpClient)
        let stats = SidecarStats(admin: admin, target: target)
        let wantsCounters = scenario.expect.contains { if case .sidecars = $0 { true } else { false } }
        let before = wantsCounters ? await stats.read(lab: scenario.lab) : nil
        let applier = SetupApplier(admin: admin, target: target, logger: logger)
        let restoration = try await applier.apply(scenario.setup, lab: scenario.lab)
        let waiter = SpanWaiter(backend: target.backend, services: scenario.lab.services.map(\.rawValue),
                                configuration: options.wait, logger: logger)
        let earlier: Set<String>
        do {
            earlier = try await waiter.storedTraceIDs()
        } catch {
            // Not fatal: only a trace of an earlier run stamped by a clock set ahead could slip in.
            logger.warning("could not list the traces stored before the run", metadata: ["error": "\(error)"])
            earlier = []
        }
        let runStart = UInt64(max(0, Date().timeIntervalSince1970 * 1_000_000))
        let collector = scenario.setup.collectorDown ? try collectorControl() : nil
        if let collector {
            do throws(ScenarioRunError) {
                try collector.pause()
            } catch {
                await applier.restore(restoration)
                throw error
            }
        }
        // Each scenario gets its own ids: a request id shared with another scenario would pull
        // that run's traces into this one (earlier runs of the same one are cut by start time).
        let seed = Self.seed(options.seed, scenario: scenario.name)
        let driver = TrafficDriver(httpClient: httpClient, entryURL: entry, plan: scenario.traffic, seed: seed, logger: logger)
        let requests = await driver.run(progress: options.progress(scenario.name))
        if let collector {
            do {
                try collector.resume()
            } catch {
                logger.error("the collector was not brought back", metadata: ["error": "\(error)"])
            }
        }
        await applier.restore(restoration)

        let latencies = requests.filter { $0.status != nil }.map(\.latencyMicros).sorted()
        outcome.traffic = .init(sent: requests.count, errors: requests.filter(\.isError).count,
                                p50Micros: AssertionEvaluator.percentile(latencies, 50), p99Micros: AssertionEvaluator.percentile(latencies, 99))

        let evaluator = AssertionEvaluator(scenario: scenario)
        let waited: SpanWaiter.Outcome
        do {
            waited = try await waiter.wait(for: requests, expected: evaluator.expectedSpans, runStartMicros: runStart, earlier: earlier)
        } catch {
            throw ScenarioRunError(.backend("\(error)"))
        }
        outcome.wait = .init(polls: waited.polls, waitedMillis: Int(waited.waited.microseconds / 1_000), timedOut: waited.timedOut, missing: waited.missing)

        let set = TraceAnalyzer.analyze(traces: waited.traces)
        var judgements: [String: TraceJudgement] = [:]
        var verdicts: [String: TraceVerdict] = [:]
        for verdict in set.traces {
            let key = TraceIDText.normalised(verdict.traceID)
            judgements[key] = TraceJudgement(verdict)
            verdicts[key] = verdict
        }
        let after = wantsCounters ? await stats.read(lab: scenario.lab) : nil
        let counters = before.flatMap { before in after.map { SidecarStats.delta(before: before, after: $0) } }
        let observation = ScenarioObservation(requests: requests, traces: waited.traces, judgements: judgements,
                                              missing: waited.missing, sidecarCounters: counters)
        var results = evaluator.evaluate(observation)
        if waited.timedOut, !evaluator.expectedSpans.allowsUnrecorded {
            results.append(Self.missingResult(waited.missing, deadline: options.wait.deadline))
        }
        let entryTraces = observation.entryTraces(lab: scenario.lab)
        let entrySet = Set(entryTraces)
        let judged = set.traces.compactMap { judgements[TraceIDText.normalised($0.traceID)] }
        let ordered = judged.filter { entrySet.contains(TraceIDText.normalised($0.traceID)) } + judged.filter { !entrySet.contains(TraceIDText.normalised($0.traceID)) }
        if options.checkCollectorVerdicts {
            guard let collector = target.uiURL else {
                throw ScenarioRunError(.unsupported("--check-ui-verdicts needs TraceLab's collector: a lab from lab.json or --collector URL"))
            }
            results.append(await CollectorVerdictCheck(baseURL: collector, transport: HTTPClientTraceBackendTransport(httpClient: httpClient)).check(ordered))
        }
        outcome.results = results
        outcome.passed = results.allSatisfy(\.passed)
        outcome.traceCount = observation.traces.count
        outcome.traces = ordered.map(ScenarioOutcome.JudgedTrace.init)

        let draw = { (traceID: String, why: String) -> ScenarioOutcome.DrawnTrace? in
            let key = TraceIDText.normalised(traceID)
            guard let spans = observation.traces[key] else { return nil }
            return .init(traceID: key, why: why, waterfall: ASCIIWaterfall.render(spans: spans, verdict: verdicts[key], width: options.waterfallWidth))
        }
        if let failed = results.first(where: { !$0.passed }), let id = failed.exampleTraceID {
            outcome.failingTrace = draw(id, "\(failed.field): \(failed.failures.first?.seen ?? failed.seen)")
        }
        if let good = entryTraces.first(where: { judgements[$0]?.complete == true }) {
            outcome.goodTrace = draw(good, "a complete trace")
        }
        if let broken = entryTraces.first(where: { judgements[$0]?.complete == false }) {
            let finding = judgements[broken]?.findings.first { $0.brokenLink } ?? judgements[broken]?.findings.first
            outcome.brokenTrace = draw(broken, finding.map { "\($0.hop.map { "\($0): " } ?? "")\($0.cause)" } ?? "an incomplete trace")
        }
    }

    /// FNV-1a of the scenario name mixed into the user's seed (reproducible per scenario).
    static func seed(_ base: UInt64, scenario: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in scenario.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        return base ^ hash
    }

    func collectorControl() throws(ScenarioRunError) -> CollectorControl {
        guard let control = target.collectorControl else {
            throw ScenarioRunError(.unsupported("setup.collector: down needs a lab whose collector TraceLab can stop: a local lab (`tracelab up`) or the compose lab (`--target compose`)"))
        }
        return control
    }

    /// The verifier's own failure: spans that never arrived before the deadline.
    static func missingResult(_ missing: [MissingSpans], deadline: Duration) -> AssertionResult {
        AssertionResult(
            field: "verifier.spans", passed: false, expected: "every expected span within \(DurationText.format(deadline))",
            seen: "\(missing.count) requests still missing spans",
            failures: missing.map { .init(traceID: $0.traceIDs.first, expected: "spans of request \($0.requestID ?? "#\($0.requestIndex)")",
                                          seen: "missing \($0.missing.joined(separator: ", "))") })
    }
}
