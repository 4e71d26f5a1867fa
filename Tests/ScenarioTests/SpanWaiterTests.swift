import Synchronization
import Testing
import Zipkin
@testable import Scenario
@testable import ScenarioModel

/// Virtual time: `sleep` advances it at once, so the waiting logic runs instantly.
final class FakeClock: WaitClock, Sendable {
    let now = Mutex<Duration>(.zero)
    func elapsed() -> Duration { now.withLock { $0 } }
    func sleep(for duration: Duration) async throws { now.withLock { $0 += duration } }
}

/// A backend whose spans "arrive" at given virtual times.
final class FakeBackend: TraceBackend, Sendable {
    let clock: FakeClock
    let arrivals: [(at: Duration, span: ZipkinSpan)]
    let listCalls = Mutex(0)

    init(clock: FakeClock, arrivals: [(at: Duration, span: ZipkinSpan)]) {
        self.clock = clock
        self.arrivals = arrivals
    }

    var visible: [ZipkinSpan] { arrivals.filter { $0.at <= clock.elapsed() }.map(\.span) }

    func trace(id: String) async throws -> [ZipkinSpan] {
        visible.filter { TraceIDText.normalised($0.traceID.hex) == id }
    }

    func traces(serviceName: String?, lookback: Duration, limit: Int) async throws -> [[ZipkinSpan]] {
        listCalls.withLock { $0 += 1 }
        let spans = visible.filter { serviceName == nil || $0.localServiceName == serviceName }
        let ids = Set(spans.map { $0.traceID.hex })
        return ids.map { id in visible.filter { $0.traceID.hex == id } }
    }
}

@Suite struct SpanWaiterTests {
    func setup(spans: [ZipkinSpan], arrival: (Int) -> Duration, deadline: Duration = .seconds(10)) -> (SpanWaiter, FakeClock) {
        let clock = FakeClock()
        let backend = FakeBackend(clock: clock, arrivals: spans.enumerated().map { (arrival($0.offset), $0.element) })
        let waiter = SpanWaiter(backend: backend, services: ["productpage", "details", "reviews", "ratings"], clock: clock,
                                configuration: .init(deadline: deadline, initialBackoff: .milliseconds(100), maximumBackoff: .seconds(1), settle: .seconds(2)))
        return (waiter, clock)
    }

    let expected = ExpectedSpans.forScenario(ScenarioDefinition(name: "t", lab: .bookinfo, setup: ScenarioSetup(routes: [.reviews: ["v2": 100]]),
                                                               traffic: TrafficPlan(path: "/"), expect: [.complete(true)]))

    @Test("stops as soon as the last expected span is in")
    func stopsWhenComplete() async throws {
        var factory = SpanFactory()
        let spans = factory.bookinfo(trace: 1, requestID: "req-0")
        // The last span lands at 1.5 s of virtual time.
        let (waiter, clock) = setup(spans: spans, arrival: { $0 == spans.count - 1 ? .milliseconds(1_500) : .zero })
        let outcome = try await waiter.wait(for: [request(0)], expected: expected, runStartMicros: 0)
        #expect(!outcome.timedOut)
        #expect(outcome.missing.isEmpty)
        #expect(clock.elapsed() >= .milliseconds(1_500))
        #expect(clock.elapsed() < .milliseconds(3_000), "backoff 100, 200, 400, 800 ms: done by 1.5 s + one step")
        #expect(outcome.traces.flatMap { $0 }.count == spans.count)
    }

    @Test("at the deadline it names the missing spans of the request")
    func reportsMissing() async throws {
        var factory = SpanFactory()
        let spans = factory.bookinfo(trace: 1, requestID: "req-0").filter { $0.localServiceName != "ratings" }
        let (waiter, clock) = setup(spans: spans, arrival: { _ in .zero }, deadline: .seconds(5))
        let outcome = try await waiter.wait(for: [request(0)], expected: expected, runStartMicros: 0)
        #expect(outcome.timedOut)
        #expect(clock.elapsed() == .seconds(5), "never sleeps past the deadline")
        let missing = try #require(outcome.missing.first)
        #expect(missing.requestID == "req-0")
        #expect(missing.missing == ["SERVER ratings-v1"])
        #expect(missing.traceIDs == ["0000000000000001"])
    }

    @Test("Envoy's CLIENT spans, with no remote endpoint but Istio-style clusters, are the expected ones")
    func envoyClientSpans() async throws {
        var factory = SpanFactory()
        // As compose/envoy/*.yaml route: outbound|PORT|VERSION|SERVICE, and no remoteEndpoint.
        let spans = factory.bookinfo(trace: 1, requestID: "req-0").map { span in
            guard span.kind == .client, let callee = span.remoteServiceName else { return span }
            var envoy = span
            envoy.remoteEndpoint = nil
            envoy.tags["upstream_cluster"] = "outbound|15004|v1|\(callee)"
            return envoy
        }
        let (waiter, _) = setup(spans: spans, arrival: { _ in .zero }, deadline: .seconds(5))
        let outcome = try await waiter.wait(for: [request(0)], expected: expected, runStartMicros: 0)
        #expect(!outcome.timedOut)
        #expect(outcome.missing.isEmpty)
        let signatures = spans.compactMap(SpanSignature.init(span:)).filter { $0.kind == .client }.map(\.description).sorted()
        #expect(signatures == ["CLIENT productpage-v1 -> details", "CLIENT productpage-v1 -> reviews", "CLIENT reviews-v2 -> ratings"])
    }

    @Test("spans of a trace that lost its request id cover the missing ones")
    func poolCoversUnattributed() async throws {
        var factory = SpanFactory()
        let spans = factory.bookinfo(trace: 1, requestID: "req-0", dropAllAtReviews: true)
        let (waiter, _) = setup(spans: spans, arrival: { _ in .zero })
        let outcome = try await waiter.wait(for: [request(0)], expected: expected, runStartMicros: 0)
        #expect(!outcome.timedOut)
    }

    @Test("with sampling, zero-span requests need a quiet period before it stops")
    func settlesForUnrecorded() async throws {
        var factory = SpanFactory()
        let spans = factory.bookinfo(trace: 1, requestID: "req-0")
        let sampled = ExpectedSpans(alternatives: expected.alternatives, allowsUnrecorded: true)
        let (waiter, clock) = setup(spans: spans, arrival: { _ in .zero })
        let outcome = try await waiter.wait(for: [request(0), request(1)], expected: sampled, runStartMicros: 0)
        #expect(!outcome.timedOut)
        #expect(clock.elapsed() >= .seconds(2))
    }

    @Test("a trace whose skewed host stamped spans before the run keeps them; an earlier run's trace is left out")
    func keepsSkewedSpansOfTheRun() async throws {
        var factory = SpanFactory()
        let runStart = factory.time
        // This run's request: ratings' host clock 300 ms behind, so its span predates the run.
        let current = factory.bookinfo(trace: 1, requestID: "req-0").map { span in
            var span = span
            if span.localServiceName == "ratings" { span.timestamp = span.timestamp.map { $0 - 300_000 } }
            return span
        }
        // A trace of an earlier run: every span 10 s before this one started.
        var earlier = SpanFactory(next: 100, time: runStart - 10_000_000)
        let old = earlier.bookinfo(trace: 2, requestID: "req-old")
        let (waiter, _) = setup(spans: current + old, arrival: { _ in .zero })
        let outcome = try await waiter.wait(for: [request(0)], expected: expected, runStartMicros: runStart)
        #expect(!outcome.timedOut)
        #expect(outcome.missing.isEmpty)
        let ids = Set(outcome.traces.compactMap { $0.first?.traceID.hex })
        #expect(ids == ["0000000000000001"])
        #expect(outcome.traces.flatMap { $0 }.count == current.count)
    }

    @Test("an earlier run's trace that a clock set ahead stamped after this run began (lesson 09, then 10) is left out, not taken for this run's spans")
    func earlierTraceWithClockAheadIsLeftOut() async throws {
        var factory = SpanFactory()
        let runStart = factory.time
        var earlierRun = SpanFactory(next: 100, time: runStart - 400_000)
        let old = earlierRun.bookinfo(trace: 2, requestID: "req-old").map { span in
            var span = span
            if span.localServiceName == "ratings" { span.timestamp = span.timestamp.map { $0 + 500_000 } }
            return span
        }
        let current = factory.bookinfo(trace: 1, requestID: "req-0")
        // The earlier run's spans are stored; this run's arrive after the snapshot, ratings' last.
        let late = old.count + (current.firstIndex { $0.localServiceName == "ratings" } ?? 0)
        let arrival: (Int) -> Duration = { $0 < old.count ? .zero : $0 == late ? .milliseconds(1_500) : .milliseconds(50) }

        // Read before the traffic, as the runner does.
        let (waiter, clock) = setup(spans: old + current, arrival: arrival)
        let stored = try await waiter.storedTraceIDs()
        #expect(stored == ["0000000000000002"])
        let outcome = try await waiter.wait(for: [request(0)], expected: expected, runStartMicros: runStart, earlier: stored)
        #expect(!outcome.timedOut)
        #expect(clock.elapsed() >= .milliseconds(1_500), "waited for this run's own spans")
        #expect(Set(outcome.traces.compactMap { $0.first?.traceID.hex }) == ["0000000000000001"])

        #expect(outcome.traces.flatMap { $0 }.count == current.count)

        // Without it, the earlier trace's ratings span stands in for the missing one at once.
        let (unaware, unawareClock) = setup(spans: old + current, arrival: arrival)
        let fooled = try await unaware.wait(for: [request(0)], expected: expected, runStartMicros: runStart)
        #expect(unawareClock.elapsed() < .milliseconds(1_500))
        #expect(Set(fooled.traces.compactMap { $0.first?.traceID.hex }) == ["0000000000000001", "0000000000000002"])
    }
}
