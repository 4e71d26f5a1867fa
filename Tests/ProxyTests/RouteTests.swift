import ProxyCore
import Zipkin
import Testing

@Suite("Routes, weights and faults")
struct RouteTests {
    @Test("parses --route with weights and defaults", arguments: [
        ("ratings=127.0.0.1:9001", "ratings", [("127.0.0.1", 9001, 100)]),
        ("reviews=127.0.0.1:9101@80,127.0.0.1:9102@20", "reviews", [("127.0.0.1", 9101, 80), ("127.0.0.1", 9102, 20)]),
        ("Details=localhost:80@0,localhost:81@1", "details", [("localhost", 80, 0), ("localhost", 81, 1)]),
    ])
    func parsesRoutes(text: String, service: String, endpoints: [(String, Int, Int)]) throws {
        let parsed = try RouteFlag.parse(text)
        #expect(parsed.service == service)
        #expect(parsed.route.endpoints.map { $0.address.host } == endpoints.map(\.0))
        #expect(parsed.route.endpoints.map { $0.address.port } == endpoints.map(\.1))
        #expect(parsed.route.endpoints.map(\.weight) == endpoints.map(\.2))
    }

    @Test("rejects malformed --route values naming the input", arguments: [
        "ratings", "ratings=", "=127.0.0.1:1", "ratings=127.0.0.1", "ratings=127.0.0.1:99999",
        "ratings=127.0.0.1:1@x", "ratings=127.0.0.1:1@-5", "ratings=127.0.0.1:1@0", "rat ings=127.0.0.1:1", "ratings=127.0.0.1:0",
    ])
    func rejectsRoutes(text: String) {
        #expect(throws: ProxyConfigurationError.self) { try RouteFlag.parse(text) }
        do {
            _ = try RouteFlag.parse(text)
        } catch {
            #expect(!error.description.isEmpty)
        }
    }

    @Test("weighted picks follow the weights within a statistical tolerance")
    func weightedPicks() throws {
        let route = try RouteFlag.parse("reviews=127.0.0.1:1@70,127.0.0.1:2@20,127.0.0.1:3@10").route
        var random = ProxyRandom(seed: 7)
        var counts: [Int: Int] = [:]
        let draws = 20_000
        for _ in 0..<draws {
            let endpoint = try #require(route.pickEndpoint(using: &random))
            counts[endpoint.address.port, default: 0] += 1
        }
        // 4 standard deviations of a binomial around each expected share.
        for (port, share) in [(1, 0.7), (2, 0.2), (3, 0.1)] {
            let expected = Double(draws) * share
            let sigma = (Double(draws) * share * (1 - share)).squareRoot()
            #expect(abs(Double(counts[port, default: 0]) - expected) < 4 * sigma, "port \(port): \(counts[port, default: 0]) vs \(expected)")
        }
    }

    @Test("a weight of 0 never gets traffic and all-zero routes pick nothing")
    func zeroWeights() throws {
        var random = ProxyRandom(seed: 1)
        let route = Route(endpoints: [RouteEndpoint(address: HostPort(host: "a", port: 1), weight: 0), RouteEndpoint(address: HostPort(host: "b", port: 2), weight: 5)])
        for _ in 0..<500 { #expect(route.pickEndpoint(using: &random)?.address.host == "b") }
        let dead = Route(endpoints: [RouteEndpoint(address: HostPort(host: "a", port: 1), weight: 0)])
        #expect(dead.pickEndpoint(using: &random) == nil)
    }

    @Test("faults at 0 % never fire and at 100 % always fire")
    func faultExtremes() {
        var random = ProxyRandom(seed: 3)
        let always = FaultPolicy(delay: .init(milliseconds: 50, percent: 100), abort: .init(status: 503, percent: 100))
        let never = FaultPolicy(delay: .init(milliseconds: 50, percent: 0), abort: .init(status: 503, percent: 0))
        for _ in 0..<200 {
            #expect(always.decide(using: &random) == .init(delayMilliseconds: 50, abortStatus: 503))
            #expect(never.decide(using: &random) == .none)
        }
    }

    @Test("a 50 % abort hits about half the requests")
    func faultShare() {
        var random = ProxyRandom(seed: 11)
        let policy = FaultPolicy(abort: .init(status: 500, percent: 50))
        let hits = (0..<4000).filter { _ in policy.decide(using: &random).abortStatus != nil }.count
        #expect(abs(hits - 2000) < 4 * 32)
    }

    @Test("route updates keep omitted fields, clear the fault on null and name bad fields")
    func routeUpdates() throws {
        let base = Route(endpoints: [RouteEndpoint(address: HostPort(host: "127.0.0.1", port: 1))], fault: FaultPolicy(abort: .init(status: 503, percent: 10)), timeoutMilliseconds: 3000, retries: 2)
        let timeoutOnly = try RouteUpdate.parse(Array(#"{"timeoutMilliseconds":250}"#.utf8)).applied(to: base)
        #expect(timeoutOnly.timeoutMilliseconds == 250 && timeoutOnly.retries == 2 && timeoutOnly.fault == base.fault)
        let cleared = try RouteUpdate.parse(Array(#"{"fault":null}"#.utf8)).applied(to: base)
        #expect(cleared.fault == nil && cleared.timeoutMilliseconds == 3000)
        let delayed = try RouteUpdate.parse(Array(#"{"fault":{"delay":{"milliseconds":2000,"percent":100}}}"#.utf8)).applied(to: base)
        #expect(delayed.fault == FaultPolicy(delay: .init(milliseconds: 2000, percent: 100)))

        let cases: [(String, String)] = [
            (#"{"retries":"x"}"#, "retries"),
            (#"{"fault":{"abort":{"status":99,"percent":10}}}"#, "abort status"),
            (#"{"fault":{"abort":{"status":503,"percent":150}}}"#, "fault.abort.percent"),
            (#"{"endpoints":[{"address":"nope","weight":1}]}"#, "nope"),
            (#"{"timeout":5}"#, "timeout"),
            ("not json", "not JSON"),
        ]
        for (body, mention) in cases {
            do {
                _ = try RouteUpdate.parse(Array(body.utf8)).applied(to: base)
                Issue.record("accepted \(body)")
            } catch {
                #expect(error.description.contains(mention), "\(error.description) should mention \(mention)")
            }
        }
        #expect(throws: ProxyConfigurationError.self) { try RouteUpdate.parse(Array(#"{"retries":1}"#.utf8)).applied(to: nil) }
    }

    @Test("clock offsets are signed durations with a unit", arguments: [
        ("250ms", Int64(250_000)), ("-1.5s", -1_500_000), ("800us", 800), ("0", 0), (" 2m ", 120_000_000), ("-0.25ms", -250),
    ])
    func clockOffsets(text: String, micros: Int64) {
        #expect(ClockOffset.parse(text) == micros)
    }

    @Test("clock offsets without a unit, beyond a day or not numbers are refused", arguments: ["250", "ms", "2d", "25h", "1e9s", "nan s", ""])
    func badClockOffsets(text: String) {
        #expect(ClockOffset.parse(text) == nil)
    }

    @Test("a shifted clock never goes below the epoch")
    func shiftedClock() {
        #expect(ClockOffset.shifted(1_000, by: -5_000) == 0)
        #expect(ClockOffset.shifted(1_000, by: 5_000) == 6_000)
        #expect(ClockOffset.shifted(10_000, by: -5_000) == 5_000)
    }

    @Test("loopback addresses are told apart from ones other machines reach (the admin API warns on those)")
    func loopback() throws {
        for text in ["127.0.0.1:15000", "127.1.2.3:1", "localhost:1", "[::1]:15000"] {
            #expect(try HostPort(parsing: text).isLoopback, "\(text)")
        }
        for text in ["0.0.0.0:15000", "192.168.1.4:1", "[::]:1", "example.org:80"] {
            #expect(try !HostPort(parsing: text).isLoopback, "\(text)")
        }
    }
}
