import LabModel
import Testing
@testable import ScenarioModel

@Suite struct ScenarioLoaderTests {
    let happy = """
    name: 01-happy-path
    lesson:
      title: What does a complete trace look like?
      shows: every hop joined
      look_at: the waterfall
      try_next: lesson 2
    lab: bookinfo
    setup:
      routes: {reviews: {v1: 0, v2: 100, v3: 0}}
      faults:
        ratings:
          delay: {duration: 2s, percent: 50%}
          abort: {status: 503, percent: 10}
      timeouts: {ratings: 3s}
      propagation: {reviews-v2: drop-b3}
      sampling: 10%
    traffic: {path: /productpage, requests: 50, concurrency: 4, headers: {x-b3-flags: "1"}}
    expect:
      traces: 50
      complete: false
      broken_links: {at: "reviews-v2 -> ratings", cause: missing-b3}
      shape: productpage -> reviews -> ratings
      latency: {p50: "< 300ms", max: "<= 5s"}
    """

    @Test("a full scenario loads with every section")
    func loadsEverything() throws {
        let scenario = try ScenarioLoader.parse(yaml: happy, file: "s.yaml")
        #expect(scenario.name == "01-happy-path")
        #expect(scenario.lab == .bookinfo)
        #expect(scenario.lesson.lookAt == "the waterfall")
        #expect(scenario.setup.routes[.reviews] == ["v1": 0, "v2": 100, "v3": 0])
        #expect(scenario.setup.faults[.ratings]?.delay == .init(duration: .seconds(2), percent: 50))
        #expect(scenario.setup.faults[.ratings]?.abort == .init(status: 503, percent: 10))
        #expect(scenario.setup.timeouts[.ratings] == .seconds(3))
        #expect(scenario.setup.propagation[ServiceInstance(service: .reviews, version: "v2")] == .dropB3)
        #expect(scenario.setup.sampling == 0.1)
        #expect(scenario.traffic.fixedRequestCount == 50)
        #expect(scenario.traffic.concurrency == 4)
        #expect(scenario.traffic.forcesDebug)
        #expect(scenario.expect.count == 5)
        #expect(scenario.expect[2] == .brokenLinks([.init(at: HopName.parse("reviews-v2 -> ratings")!, cause: "missing-b3")], exclusive: true))
        #expect(scenario.expect[4] == .latency([.init(percentile: 50, bound: Comparison(.less, 300_000)), .init(percentile: 100, bound: Comparison(.lessOrEqual, 5_000_000))]))
    }

    @Test("errors name the file, line and field", arguments: [
        ("name: x\nlab: bookinfo\nexpect:\n  complet: true\n", 4, "expect.complet", "did you mean 'complete'?"),
        ("name: x\nlab: bookinfo\nsetup:\n  propagation: {reviews-v2: drop-b4}\nexpect: {complete: true}\n", 4, "setup.propagation.reviews-v2", "did you mean 'drop-b3'?"),
        ("name: x\nlab: bookinfo\nsetup:\n  routes: {reviews: {v4: 10}}\nexpect: {complete: true}\n", 4, "setup.routes.reviews.v4", "reviews has versions v1, v2, v3"),
        ("name: x\nlab: chain\nexpect:\n  broken_links: {at: \"service-a -> ratings\"}\n", 4, "expect.broken_links.at", "no such call in the chain lab"),
        ("name: x\nlab: bookinfo\ntraffic: {requests: lots}\nexpect: {complete: true}\n", 3, "traffic.requests", "expected a whole number"),
        ("name: x\nlab: bookinfo\nexpect:\n  traces: 3\n  sampling: {rate: 140%}\n", 5, "expect.sampling.rate", "percentage"),
        ("name: x\nlab: bookinfo\nexpect:\n  broken_links: {at: \"reviews-v2 -> ratings\", cause: mising-b3}\n", 4, "expect.broken_links.cause", "did you mean 'missing-b3'?"),
        ("name: x\nlab: bookinfo\nsetup:\n  clock_offset: {ratings: 500}\nexpect: {complete: true}\n", 4, "setup.clock_offset.ratings", "signed duration with a unit"),
        ("name: x\nlab: bookinfo\nexpect:\n  clock_skew: {service: ratings, at: \"productpage -> details\"}\n", 4, "expect.clock_skew.at", "must have ratings at one end"),
        ("name: x\nlab: bookinfo\nexpect:\n  clock_skew: {service: ratings, direction: sideways}\n", 4, "expect.clock_skew.direction", "ahead"),
        ("name: x\nlab: bookinfo\nexpect:\n  clock_skew: some\n", 4, "expect.clock_skew", "clock_skew: none"),
        ("name: x\nlab: bookinfo\ntraffic: {requests: 20}\nexpect:\n  split: {service: reviews, weights: {v1: 50, v2: 50}}\n", 5, "expect.split", "send at least"),
    ])
    func errorsAreLocated(yaml: String, line: Int, field: String, hint: String) {
        do {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "lesson.yaml")
            Issue.record("expected an error for \(field)")
        } catch {
            #expect(error.file == "lesson.yaml")
            #expect(error.line == line, "\(error)")
            #expect(error.field == field, "\(error)")
            #expect(error.description.contains(hint), "\(error)")
            #expect(error.description.hasPrefix("lesson.yaml:\(line):"))
        }
    }

    @Test("a missing required field is named")
    func missingField() {
        #expect(throws: ScenarioError.self) { try ScenarioLoader.parse(yaml: "name: x\nlab: bookinfo\n", file: "f.yaml") }
        do {
            _ = try ScenarioLoader.parse(yaml: "name: x\nexpect: {complete: true}\n", file: "f.yaml")
        } catch {
            #expect(error.field == "lab")
            #expect(error.reason == .missing)
        }
    }

    @Test("YAML syntax errors carry the parser's line")
    func syntaxError() {
        do {
            _ = try ScenarioLoader.parse(yaml: "name: x\nlab: [bookinfo\nexpect: {}\n", file: "bad.yaml")
            Issue.record("expected a syntax error")
        } catch {
            guard case .syntax = error.reason else { Issue.record("not a syntax error: \(error)"); return }
            #expect(error.line != nil)
        }
    }

    @Test("durations and fractions read like people write them", arguments: [
        ("250ms", Duration.milliseconds(250)), ("2s", .seconds(2)), ("1.5s", .milliseconds(1500)), ("1m", .seconds(60)), ("40", .milliseconds(40)),
    ])
    func durations(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test("a duration too long for whole microseconds is refused, not a crash (a FuzzScenarioYAML finding)")
    func hugeDuration() {
        for text in ["9999999999999999999999s", "1e300ms", "100000000000000000m", "9223372036854775808us"] {
            #expect(DurationText.parse(text) == nil, "\(text)")
        }
        #expect(DurationText.parse("9223372036854774784us") == .microseconds(9_223_372_036_854_774_784))
        // The finding itself (`delay: {min: 1333…3s}` in a course scenario) is replayed from
        // Fuzz/Regressions/FuzzScenarioYAML by FuzzRegressionTests.
    }

    @Test("did-you-mean suggests only plausible typos")
    func spelling() {
        #expect(Spelling.closest(to: "brokn_links", among: ExpectationLoader.keys) == "broken_links")
        #expect(Spelling.closest(to: "zebra", among: ExpectationLoader.keys) == nil)
    }

    @Test("clock_offset and clock_skew read a host's clock error and the analysis' estimate")
    func clockSkew() throws {
        let yaml = """
        name: 09
        lab: bookinfo
        setup:
          clock_offset: {ratings: 500ms, reviews-v2: -1.5s}
        expect:
          clock_skew: {service: ratings, at: "reviews-v2 -> ratings", offset: ">= 400ms", direction: ahead}
        """
        let scenario = try ScenarioLoader.parse(yaml: yaml, file: "09.yaml")
        #expect(scenario.setup.clockOffsets[ServiceInstance(service: .ratings, version: "v1")] == .milliseconds(500))
        #expect(scenario.setup.clockOffsets[ServiceInstance(service: .reviews, version: "v2")] == .milliseconds(-1_500))
        #expect(scenario.setup.clockOffsets[ServiceInstance(service: .reviews, version: "v1")] == nil)
        #expect(scenario.expect == [.clockSkew(ClockSkewExpectation(
            service: NodeName(service: .ratings), at: HopName.parse("reviews-v2 -> ratings"),
            offset: Comparison(.greaterOrEqual, 400_000), direction: .ahead))])
        let none = try ScenarioLoader.parse(yaml: "name: x\nlab: bookinfo\nexpect: {clock_skew: none}\n", file: "x.yaml")
        #expect(none.expect == [.clockSkew(nil)])
    }
}
