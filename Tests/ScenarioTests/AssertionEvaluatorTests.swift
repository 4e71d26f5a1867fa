import LabModel
import Testing
import Zipkin
@testable import ScenarioModel

@Suite struct AssertionEvaluatorTests {
    func scenario(_ expect: [ScenarioAssertion], setup: ScenarioSetup = ScenarioSetup(routes: [.reviews: ["v2": 100]])) -> AssertionEvaluator {
        AssertionEvaluator(scenario: ScenarioDefinition(name: "t", lab: .bookinfo, setup: setup, traffic: TrafficPlan(path: "/productpage"), expect: expect))
    }

    func observation(count: Int = 4, reviews: String = "reviews-v2", dropB3: Bool = false, dropAll: Bool = false,
                     delay: UInt64 = 1_000, ratingsStatus: (Int) -> String = { _ in "200" }, statuses: (Int) -> Int? = { _ in 200 }) -> ScenarioObservation {
        var factory = SpanFactory()
        var traces: [[ZipkinSpan]] = []
        var requests: [RecordedRequest] = []
        for index in 0..<count {
            traces.append(factory.bookinfo(trace: UInt64(index + 1), requestID: "req-\(index)", reviews: reviews, dropB3AtReviews: dropB3,
                                           dropAllAtReviews: dropAll, ratingsDelay: delay, ratingsStatus: ratingsStatus(index)))
            requests.append(request(index, status: statuses(index), latencyMs: UInt64(10 * (index + 1))))
        }
        return ScenarioObservation(requests: requests, traces: traces)
    }

    func hop(_ text: String) -> HopName { HopName.parse(text)! }

    @Test("traces counts the traces started at the entry")
    func traces() {
        let evaluator = scenario([.traces(.exactly(4))])
        #expect(evaluator.evaluate(observation())[0].passed)
        #expect(!evaluator.evaluate(observation(count: 3))[0].passed)
        // A broken hop adds a fragment trace that does not count as a request's trace.
        #expect(evaluator.evaluate(observation(dropB3: true))[0].passed)
    }

    @Test("complete: true passes on joined traces and fails naming the broken hop")
    func completeTrue() throws {
        let evaluator = scenario([.complete(true)])
        #expect(evaluator.evaluate(observation())[0].passed)
        let result = evaluator.evaluate(observation(dropB3: true))[0]
        #expect(!result.passed)
        let failure = try #require(result.failures.first)
        #expect(failure.hop == "reviews-v2 -> ratings")
        #expect(failure.seen.contains("reviews did not forward the B3 headers") || failure.seen.contains("did not forward"))
        #expect(failure.traceID != nil)
    }

    @Test("complete: true fails when an expected span is missing")
    func completeMissingSpan() throws {
        var obs = observation(count: 1)
        let id = try #require(obs.traces.keys.first)
        obs.traces[id]?.removeAll { $0.localServiceName == "ratings" }
        let result = scenario([.complete(true)]).evaluate(obs)[0]
        #expect(!result.passed)
        #expect(result.failures.first?.seen.contains("SERVER ratings-v1") == true)
    }

    @Test("complete: false needs every trace broken")
    func completeFalse() {
        let evaluator = scenario([.complete(false)])
        #expect(evaluator.evaluate(observation(dropB3: true))[0].passed)
        #expect(!evaluator.evaluate(observation())[0].passed)
    }

    @Test("broken_links names the hop and the cause", arguments: [
        (true, false, "missing-b3", true),
        (false, true, "missing-headers", true),
        (true, false, "missing-headers", false),
        (false, false, "missing-b3", false),
    ])
    func brokenLinks(dropB3: Bool, dropAll: Bool, cause: String, passes: Bool) {
        let evaluator = scenario([.brokenLinks([.init(at: hop("reviews-v2 -> ratings"), cause: cause)], exclusive: true)])
        let result = evaluator.evaluate(observation(dropB3: dropB3, dropAll: dropAll))[0]
        #expect(result.passed == passes, "\(result)")
        if !passes { #expect(result.failures.first?.hop?.contains("ratings") == true) }
    }

    @Test("broken_links at the wrong hop fails")
    func brokenLinksWrongHop() {
        let evaluator = scenario([.brokenLinks([.init(at: hop("productpage -> reviews"), cause: nil)], exclusive: true)])
        #expect(!evaluator.evaluate(observation(dropB3: true))[0].passed)
    }

    @Test("shape finds a service path in every trace")
    func shape() {
        let path = [NodeName("productpage")!, NodeName("reviews")!, NodeName("ratings")!]
        #expect(scenario([.shape(.init(path: path))]).evaluate(observation())[0].passed)
        let v1 = AssertionEvaluator(scenario: ScenarioDefinition(name: "t", lab: .bookinfo, setup: ScenarioSetup(routes: [.reviews: ["v1": 100]]),
                                                                 traffic: TrafficPlan(path: "/"), expect: [.shape(.init(path: path))]))
        let result = v1.evaluate(observation(reviews: "reviews-v1"))[0]
        #expect(!result.passed)
        #expect(result.failures.first?.seen.contains("productpage-v1 -> reviews-v1") == true)
        #expect(scenario([.shape(.init(path: path, scope: .none))]).evaluate(observation(reviews: "reviews-v1"))[0].passed)
    }

    @Test("span_counts per trace per service")
    func spanCounts() {
        #expect(scenario([.spanCounts(["productpage": .exactly(3), "ratings": .exactly(1)])]).evaluate(observation())[0].passed)
        #expect(!scenario([.spanCounts(["productpage": .exactly(2)])]).evaluate(observation())[0].passed)
    }

    @Test("tags: equals, present and absent")
    func tags() {
        let obs = observation()
        #expect(scenario([.tags([.init(node: NodeName("ratings"), kind: "SERVER", tag: "http.status_code", check: .equals("200"))])]).evaluate(obs)[0].passed)
        #expect(scenario([.tags([.init(tag: "component", check: .present)])]).evaluate(obs)[0].passed)
        #expect(!scenario([.tags([.init(node: NodeName("ratings"), tag: "error", check: .present)])]).evaluate(obs)[0].passed)
        #expect(scenario([.tags([.init(tag: "error", check: .absent)])]).evaluate(obs)[0].passed)
    }

    @Test("status codes and error rate")
    func statusAndErrors() {
        let ok = observation()
        let half = observation(statuses: { $0 % 2 == 0 ? 200 : 503 })
        #expect(scenario([.statusCodes([200])]).evaluate(ok)[0].passed)
        #expect(!scenario([.statusCodes([200])]).evaluate(half)[0].passed)
        #expect(scenario([.statusCodes([200, 503])]).evaluate(half)[0].passed)
        #expect(scenario([.errorRate(min: 0, max: 0)]).evaluate(ok)[0].passed)
        #expect(!scenario([.errorRate(min: 0, max: 0.1)]).evaluate(half)[0].passed)
        #expect(scenario([.errorRate(min: 0.4, max: 0.6)]).evaluate(half)[0].passed)
        #expect(!scenario([.errorRate(min: 0, max: 0)]).evaluate(observation(statuses: { $0 == 0 ? nil : 200 }))[0].passed)
    }

    @Test("latency percentiles use nearest rank")
    func latency() {
        // latencies 10, 20, 30, 40 ms
        #expect(scenario([.latency([.init(percentile: 50, bound: Comparison(.lessOrEqual, 20_000))])]).evaluate(observation())[0].passed)
        #expect(!scenario([.latency([.init(percentile: 100, bound: Comparison(.less, 40_000))])]).evaluate(observation())[0].passed)
        #expect(scenario([.latency([.init(percentile: 0, bound: Comparison(.greaterOrEqual, 10_000))])]).evaluate(observation())[0].passed)
    }

    @Test("split: the versions served match the weights")
    func split() {
        var factory = SpanFactory()
        var traces: [[ZipkinSpan]] = []
        let versions = (0..<300).map { index in ["reviews-v1", "reviews-v2", "reviews-v3"][index % 3] }
        for (index, version) in versions.enumerated() {
            traces.append(factory.bookinfo(trace: UInt64(index + 1), requestID: "req-\(index)", reviews: version))
        }
        let obs = ScenarioObservation(requests: (0..<300).map { request($0) }, traces: traces)
        let even = scenario([.split(.init(service: .reviews, weights: ["v1": 34, "v2": 33, "v3": 33]))])
        #expect(even.evaluate(obs)[0].passed)
        let skewed = scenario([.split(.init(service: .reviews, weights: ["v1": 10, "v2": 10, "v3": 80]))])
        let result = skewed.evaluate(obs)[0]
        #expect(!result.passed)
        #expect(result.failures.first?.seen.contains("chi-square") == true)
    }

    @Test("fault delay shows in the CLIENT span durations and on the entry span")
    func delay() {
        let setup = ScenarioSetup(routes: [.reviews: ["v2": 100]], faults: [.ratings: FaultSpec(delay: .init(duration: .seconds(2)))])
        let evaluator = scenario([.delay(.init(at: hop("reviews -> ratings"), minimum: .seconds(2)))], setup: setup)
        #expect(evaluator.evaluate(observation(delay: 2_100_000))[0].passed)
        #expect(!evaluator.evaluate(observation(delay: 1_000))[0].passed)
    }

    @Test("fault abort shows as error spans at the expected fraction")
    func abort() {
        let setup = ScenarioSetup(routes: [.reviews: ["v2": 100]], faults: [.ratings: FaultSpec(abort: .init(status: 503, percent: 100))])
        let evaluator = scenario([.abort(.init(at: hop("reviews -> ratings"), status: 503))], setup: setup)
        #expect(evaluator.evaluate(observation(ratingsStatus: { _ in "503" }))[0].passed)
        #expect(!evaluator.evaluate(observation())[0].passed)
        // Aborted traces are still all there: the expected spans allow the missing SERVER span.
        #expect(evaluator.expectedSpans.isSatisfied(by: observation(count: 1, ratingsStatus: { _ in "503" }).traces.values.first ?? []))
    }

    @Test("sampling: recorded fraction, all-or-nothing, debug")
    func sampling() {
        var factory = SpanFactory()
        var traces: [[ZipkinSpan]] = []
        for index in 0..<20 where index % 10 == 0 {
            traces.append(factory.bookinfo(trace: UInt64(index + 1), requestID: "req-\(index)"))
        }
        let requests = (0..<200).map { request($0) }
        let obs = ScenarioObservation(requests: requests, traces: traces)
        let setup = ScenarioSetup(routes: [.reviews: ["v2": 100]], sampling: 0.01)
        #expect(scenario([.sampling(.init(rate: 0.01))], setup: setup).evaluate(obs)[0].passed)
        #expect(!scenario([.sampling(.init(rate: 0.5))], setup: setup).evaluate(obs)[0].passed)
        var partial = obs
        if let id = partial.traces.keys.sorted().first { partial.traces[id]?.removeLast() }
        #expect(!scenario([.sampling(.init(rate: 0.01))], setup: setup).evaluate(partial)[0].passed)
        let debugObs = ScenarioObservation(requests: [request(0, debug: true)], traces: [traces[0]])
        #expect(!scenario([.sampling(.init(debug: true))]).evaluate(debugObs)[0].passed, "spans without debug: true")
    }

    @Test("propagation per hop: joined, request id, format")
    func propagation() {
        let b3 = observation()
        let rule = HopPropagationExpectation(hop: hop("productpage -> reviews"), joined: true, requestID: .same, format: .b3)
        #expect(scenario([.propagation([rule])]).evaluate(b3)[0].passed)
        var w3cRule = rule
        w3cRule.format = .w3c
        #expect(!scenario([.propagation([w3cRule])]).evaluate(b3)[0].passed)
        let broken = HopPropagationExpectation(hop: hop("reviews -> ratings"), joined: false, requestID: .different)
        #expect(scenario([.propagation([broken])]).evaluate(observation(dropAll: true))[0].passed)
        #expect(!scenario([.propagation([broken])]).evaluate(observation(dropB3: true))[0].passed)
    }

    @Test("sidecar counters need the admin stats")
    func sidecars() {
        let rule = SidecarCounterExpectation(counter: .spansDropped, bound: Comparison(.greaterOrEqual, 1))
        var obs = observation()
        #expect(!scenario([.sidecars([rule])]).evaluate(obs)[0].passed)
        obs.sidecarCounters = [.spansDropped: 12]
        #expect(scenario([.sidecars([rule])]).evaluate(obs)[0].passed)
    }

    @Test("expected spans follow the routes: v1 skips ratings")
    func expectedSpans() {
        let all = ExpectedSpans.forScenario(ScenarioDefinition(name: "t", lab: .bookinfo, traffic: TrafficPlan(path: "/"), expect: [.complete(true)]))
        #expect(Set(all.alternatives.map(\.count)) == [5, 7])
        let chain = ExpectedSpans.forScenario(ScenarioDefinition(name: "t", lab: .chain, traffic: TrafficPlan(path: "/"), expect: [.complete(true)]))
        #expect(chain.alternatives.map(\.count) == [5])
        var factory = SpanFactory()
        let spans = factory.bookinfo(trace: 1, requestID: "r", reviews: "reviews-v3")
        #expect(all.isSatisfied(by: spans))
        #expect(all.missing(from: Array(spans.dropLast())).count == 1)
    }

    /// `observation()` with the analysis' clock estimate for ratings on every trace.
    func skewed(_ skew: TraceJudgement.ClockSkew?) -> ScenarioObservation {
        var obs = observation()
        for id in obs.entryTraces(lab: .bookinfo) {
            obs.judgements[id] = TraceJudgement(traceID: id, complete: true, clockSkew: skew.map { [$0] } ?? [])
        }
        return obs
    }

    @Test("clock_skew passes when every trace names the clock as asked, and fails naming what was seen")
    func clockSkew() throws {
        let ahead = TraceJudgement.ClockSkew(service: "ratings-v1", hop: "reviews-v2 -> ratings", offsetMicroseconds: -498_000, adjustedSpanCount: 1)
        let rule = ClockSkewExpectation(service: NodeName(service: .ratings), at: hop("reviews-v2 -> ratings"),
                                        offset: Comparison(.greaterOrEqual, 400_000), direction: .ahead)
        #expect(scenario([.clockSkew(rule)]).evaluate(skewed(ahead))[0].passed)

        let none = scenario([.clockSkew(rule)]).evaluate(skewed(nil))[0]
        #expect(!none.passed)
        #expect(none.failures.first?.seen == "no clock skew found")

        var small = ahead
        small.offsetMicroseconds = -120_000
        let tooSmall = scenario([.clockSkew(rule)]).evaluate(skewed(small))[0]
        #expect(!tooSmall.passed)
        #expect(tooSmall.failures.first?.seen.contains("120.0ms ahead") == true, "\(tooSmall.failures)")

        var behind = ahead
        behind.offsetMicroseconds = 498_000
        #expect(!scenario([.clockSkew(rule)]).evaluate(skewed(behind))[0].passed)

        var elsewhere = ahead
        elsewhere.service = "details-v1"
        elsewhere.hop = "productpage-v1 -> details"
        let wrongService = scenario([.clockSkew(rule)]).evaluate(skewed(elsewhere))[0]
        #expect(!wrongService.passed)
        #expect(wrongService.failures.first?.seen.hasPrefix("skew found elsewhere: details-v1") == true)

        var otherVersion = rule
        otherVersion.at = hop("reviews-v3 -> ratings")
        #expect(!scenario([.clockSkew(otherVersion)]).evaluate(skewed(ahead))[0].passed)

        var unmoved = ahead
        unmoved.adjustedSpanCount = 0
        #expect(!scenario([.clockSkew(rule)]).evaluate(skewed(unmoved))[0].passed)

        #expect(scenario([.clockSkew(nil)]).evaluate(skewed(nil))[0].passed)
        #expect(!scenario([.clockSkew(nil)]).evaluate(skewed(ahead))[0].passed)
    }
}
