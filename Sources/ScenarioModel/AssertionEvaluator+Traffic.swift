import LabModel
import Zipkin

extension AssertionEvaluator {
    func statusCodes(_ codes: [Int], _ observation: ScenarioObservation, field: String) -> AssertionResult {
        var histogram: [String: Int] = [:]
        var failures: [AssertionResult.Failure] = []
        for request in observation.requests {
            let label = request.status.map(String.init) ?? "no response"
            histogram[label, default: 0] += 1
            if request.status.map({ !codes.contains($0) }) ?? true {
                failures.append(.init(traceID: request.traceID, expected: "status \(codes.map(String.init).joined(separator: " or "))",
                                      seen: request.status.map { "status \($0)" } ?? "no response (\(request.failure ?? "failed"))"))
            }
        }
        return AssertionResult(field: field, passed: failures.isEmpty && !observation.requests.isEmpty,
                               expected: "every response \(codes.map(String.init).joined(separator: " or "))",
                               seen: Self.describe(histogram), failures: failures)
    }

    static func describe(_ histogram: [String: Int]) -> String {
        histogram.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
    }

    func errorRate(min: Double, max: Double, _ observation: ScenarioObservation, field: String) -> AssertionResult {
        let total = observation.requests.count
        let errors = observation.requests.filter(\.isError).count
        let rate = total > 0 ? Double(errors) / Double(total) : 0
        let expected = min == max ? "error rate \(Self.percent(min))" : "error rate \(Self.percent(min))…\(Self.percent(max))"
        let failures = observation.requests.filter(\.isError).map {
            AssertionResult.Failure(traceID: $0.traceID, expected: expected, seen: $0.status.map { "status \($0)" } ?? ($0.failure ?? "no response"))
        }
        return AssertionResult(field: field, passed: total > 0 && rate >= min - 1e-9 && rate <= max + 1e-9, expected: expected,
                               seen: "\(Self.percent(rate)) (\(errors) of \(total))", failures: rate > max ? failures : [])
    }

    static func percent(_ value: Double) -> String {
        let tenths = Int((value * 1000).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)%" : "\(tenths / 10).\(tenths % 10)%"
    }

    /// Nearest-rank percentile of sorted values (0 → minimum, 100 → maximum).
    public static func percentile(_ sorted: [UInt64], _ p: Double) -> UInt64? {
        guard !sorted.isEmpty else { return nil }
        if p <= 0 { return sorted.first }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }

    func latency(_ bounds: [LatencyExpectation], _ observation: ScenarioObservation, field: String) -> AssertionResult {
        let values = observation.requests.filter { $0.status != nil }.map(\.latencyMicros).sorted()
        var failures: [AssertionResult.Failure] = []
        var seen: [String] = []
        for bound in bounds.sorted(by: { $0.percentile < $1.percentile }) {
            let name = Self.percentileName(bound.percentile)
            guard let value = Self.percentile(values, bound.percentile) else {
                failures.append(.init(expected: "\(name) \(bound.bound)", seen: "no response"))
                continue
            }
            seen.append("\(name) \(DurationText.format(microseconds: Double(value)))")
            if !bound.bound.holds(for: Double(value)) {
                failures.append(.init(expected: "\(name) \(bound.bound.op.rawValue) \(DurationText.format(microseconds: bound.bound.value))",
                                      seen: DurationText.format(microseconds: Double(value))))
            }
        }
        let expected = bounds.map { "\(Self.percentileName($0.percentile)) \($0.bound.op.rawValue) \(DurationText.format(microseconds: $0.bound.value))" }
        return AssertionResult(field: field, passed: failures.isEmpty, expected: expected.joined(separator: ", "),
                               seen: seen.joined(separator: ", "), failures: failures)
    }

    static func percentileName(_ p: Double) -> String {
        switch p {
        case 0: "min"
        case 100: "max"
        default: "p\(formatNumber(p))"
        }
    }

    /// The version of `service` that served each recorded request (from its SERVER span's node_id).
    func versionsServed(_ service: ServiceName, _ observation: ScenarioObservation) -> [String] {
        observation.recordedRequestIndices.compactMap { index in
            observation.spans(ofRequest: index).first { $0.kind == .server && $0.localServiceName == service.rawValue }
                .flatMap { $0.tags["node_id"] }
                .flatMap(ServiceInstance.init(nodeID:))?.version
        }
    }

    func split(_ split: SplitExpectation, _ observation: ScenarioObservation, field: String) -> AssertionResult {
        let versions = split.service.versions
        let weights = versions.map { version in
            Double(split.weights.map { $0[version] ?? 0 } ?? scenario.setup.weights(for: split.service).first { $0.version == version }?.weight ?? 0)
        }
        let served = versionsServed(split.service, observation)
        let observed = versions.map { version in served.filter { $0 == version }.count }
        let total = observed.reduce(0, +)
        let weightSum = weights.reduce(0, +)
        let expected = zip(versions, weights).map { "\($0) \(Self.percent($1 / Swift.max(weightSum, 1)))" }.joined(separator: ", ")
        guard total > 0 else {
            return AssertionResult(field: field, passed: false, expected: expected, seen: "no request reached \(split.service)",
                                   failures: [.init(expected: expected, seen: "no \(split.service) SERVER span")])
        }
        let outcome = SplitTest.evaluate(observed: observed, weights: weights, tolerance: split.tolerance)
        let seen = zip(versions, observed).map { "\($0) \(Self.percent(Double($1) / Double(total))) (\($1))" }.joined(separator: ", ")
        var failures: [AssertionResult.Failure] = []
        for index in outcome.unexpectedCategories {
            failures.append(.init(hop: "\(split.service)-\(versions[index])", expected: "no request (weight 0)", seen: "\(observed[index]) requests"))
        }
        if !outcome.passed, outcome.unexpectedCategories.isEmpty {
            failures.append(.init(hop: split.service.rawValue, expected: "\(expected) ± \(Self.percent(split.tolerance))",
                                  seen: "\(seen); chi-square p=\(Self.scientific(outcome.pValue)), off by \(Self.percent(outcome.maximumDeviation))"))
        }
        return AssertionResult(field: field, passed: outcome.passed, expected: "\(expected) ± \(Self.percent(split.tolerance))",
                               seen: "\(seen), p=\(Self.scientific(outcome.pValue))", failures: failures)
    }

    static func scientific(_ value: Double) -> String {
        if value >= 0.01 { return String(Double(Int((value * 1000).rounded())) / 1000) }
        var exponent = 0
        var mantissa = value
        while mantissa < 1, mantissa > 0, exponent > -300 {
            mantissa *= 10
            exponent -= 1
        }
        return "\(Double(Int((mantissa * 10).rounded())) / 10)e\(exponent)"
    }

    /// The CLIENT spans of the hop among the run's traces.
    func clientSpans(at hop: HopName, _ observation: ScenarioObservation) -> [ZipkinSpan] {
        observation.traces.keys.sorted().flatMap { observation.traces[$0] ?? [] }.filter {
            $0.kind == .client && hop.caller.matches(service: $0.localServiceName, nodeID: $0.tags["node_id"])
                && $0.calleeServiceName == hop.callee.service.rawValue
        }
    }

    func delay(_ delay: DelayExpectation, _ observation: ScenarioObservation, field: String) -> AssertionResult {
        let spans = clientSpans(at: delay.at, observation)
        let minimum = UInt64(Swift.max(0, delay.minimum.microseconds))
        let delayed = spans.filter { ($0.duration ?? 0) >= minimum }
        let rate = delay.fraction ?? (scenario.setup.faults[delay.at.callee.service]?.delay?.percent).map { $0 / 100 } ?? 1
        var failures: [AssertionResult.Failure] = []
        let holds = BinomialCheck.holds(successes: delayed.count, trials: spans.count, rate: rate, tolerance: 0.1)
        if !holds {
            let short = spans.filter { ($0.duration ?? 0) < minimum }
            failures = (rate >= 1 ? short : spans).prefix(5).map {
                .init(traceID: $0.traceID.hex, hop: delay.at.description, expected: "duration ≥ \(DurationText.format(delay.minimum))",
                      seen: DurationText.format(microseconds: Double($0.duration ?? 0)))
            }
        }
        // The delay lies on the critical path: the entry span of a delayed trace lasts at least as long.
        let entry = LabTopology.entryService(of: scenario.lab).rawValue
        for span in delayed.prefix(20) {
            let root = observation.traces[TraceIDText.normalised(span.traceID.hex)]?.first { $0.kind == .server && $0.localServiceName == entry }
            if let root, let duration = root.duration, duration < minimum {
                failures.append(.init(traceID: span.traceID.hex, hop: "\(entry) (entry)", expected: "entry span ≥ \(DurationText.format(delay.minimum))",
                                      seen: DurationText.format(microseconds: Double(duration))))
            }
        }
        if spans.isEmpty { failures.append(.init(hop: delay.at.description, expected: "CLIENT spans", seen: "none")) }
        return AssertionResult(field: field, passed: failures.isEmpty, expected: "\(Self.percent(rate)) of calls at \(delay.at) ≥ \(DurationText.format(delay.minimum))",
                               seen: "\(delayed.count) of \(spans.count) calls delayed", failures: failures)
    }

    func abort(_ abort: AbortExpectation, _ observation: ScenarioObservation, field: String) -> AssertionResult {
        let spans = clientSpans(at: abort.at, observation)
        let aborted = spans.filter { $0.tags["http.status_code"] == String(abort.status) }
        let rate = abort.fraction ?? (scenario.setup.faults[abort.at.callee.service]?.abort?.percent).map { $0 / 100 } ?? 1
        var failures: [AssertionResult.Failure] = []
        for span in aborted where span.tags["error"] == nil {
            failures.append(.init(traceID: span.traceID.hex, hop: abort.at.description, expected: "error tag on the aborted CLIENT span", seen: "no error tag"))
        }
        if !BinomialCheck.holds(successes: aborted.count, trials: spans.count, rate: rate, tolerance: 0.1) {
            failures.append(.init(traceID: (rate >= 1 ? spans.first { !aborted.contains($0) } : spans.first)?.traceID.hex, hop: abort.at.description,
                                  expected: "\(Self.percent(rate)) of calls \(abort.status)",
                                  seen: "\(aborted.count) of \(spans.count) (\(Self.percent(spans.isEmpty ? 0 : Double(aborted.count) / Double(spans.count))))"))
        }
        if spans.isEmpty { failures.append(.init(hop: abort.at.description, expected: "CLIENT spans", seen: "none")) }
        return AssertionResult(field: field, passed: failures.isEmpty, expected: "\(Self.percent(rate)) of calls at \(abort.at) answered \(abort.status) with an error span",
                               seen: "\(aborted.count) of \(spans.count) calls aborted", failures: failures)
    }

    func sampling(_ sampling: SamplingExpectation, _ observation: ScenarioObservation, field: String) -> AssertionResult {
        let total = observation.requests.count
        let recorded = observation.recordedRequestIndices
        var failures: [AssertionResult.Failure] = []
        var expectedParts: [String] = []
        if let rate = sampling.rate {
            expectedParts.append("\(Self.percent(rate)) of requests recorded")
            if !BinomialCheck.holds(successes: recorded.count, trials: total, rate: rate, tolerance: 0.05) {
                failures.append(.init(expected: "\(Self.percent(rate)) of \(total) recorded", seen: "\(recorded.count) (\(Self.percent(total > 0 ? Double(recorded.count) / Double(total) : 0)))"))
            }
        }
        if sampling.allOrNothing {
            expectedParts.append("each trace all or nothing")
            for index in recorded {
                let spans = observation.spans(ofRequest: index)
                let missing = expectedSpans.missing(from: spans)
                if !missing.isEmpty {
                    failures.append(.init(traceID: observation.requestTraces[index]?.first, expected: "all spans of the request",
                                          seen: "missing \(missing.map(\.description).joined(separator: ", "))"))
                }
                let decisions = Set(spans.compactMap { $0.tags["sampled"] })
                if decisions.count > 1 {
                    failures.append(.init(traceID: observation.requestTraces[index]?.first, expected: "one sampling decision", seen: decisions.sorted().joined(separator: "/")))
                }
            }
        }
        if sampling.debug {
            expectedParts.append("every request recorded with debug spans")
            let debugRequests = observation.requests.filter(\.debug)
            if debugRequests.isEmpty {
                failures.append(.init(expected: "requests forcing debug (x-b3-flags: 1)", seen: "none sent"))
            }
            for request in debugRequests {
                let spans = observation.spans(ofRequest: request.index)
                if spans.isEmpty {
                    failures.append(.init(traceID: request.traceID, expected: "debug request recorded", seen: "no span"))
                } else if let span = spans.first(where: { !$0.debug }) {
                    failures.append(.init(traceID: span.traceID.hex, hop: span.tags["node_id"] ?? span.localServiceName,
                                          expected: "debug: true", seen: "debug missing on \(span.kind?.rawValue ?? "span") \(span.localServiceName ?? "?")"))
                }
            }
        }
        return AssertionResult(field: field, passed: failures.isEmpty && total > 0, expected: expectedParts.joined(separator: "; "),
                               seen: "\(recorded.count) of \(total) requests recorded", failures: failures)
    }

    func sidecars(_ counters: [SidecarCounterExpectation], _ observation: ScenarioObservation, field: String) -> AssertionResult {
        let expected = counters.map { "\($0.counter.rawValue) \($0.bound)" }.joined(separator: ", ")
        guard let values = observation.sidecarCounters else {
            return AssertionResult(field: field, passed: false, expected: expected, seen: "sidecar /stats not readable (no lab.json admin URLs, or the sidecars are not tracelab-proxy: Envoy's /stats has no TraceLab counters)",
                                   failures: [.init(expected: expected, seen: "no sidecar counters")])
        }
        var failures: [AssertionResult.Failure] = []
        var seen: [String] = []
        for counter in counters {
            let value = values[counter.counter] ?? 0
            seen.append("\(counter.counter.rawValue) \(formatNumber(value))")
            if !counter.bound.holds(for: value) {
                failures.append(.init(expected: "\(counter.counter.rawValue) \(counter.bound)", seen: formatNumber(value)))
            }
        }
        return AssertionResult(field: field, passed: failures.isEmpty, expected: expected, seen: seen.joined(separator: ", "), failures: failures)
    }
}
