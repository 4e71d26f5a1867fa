import Testing
@testable import TraceAnalysis

@Suite("expected hops")
struct HopPatternTests {
    @Test("parses a hop and a chain", arguments: [
        ("reviews-v2 -> ratings", ["reviews-v2 -> ratings"]),
        ("productpage->reviews->ratings", ["productpage -> reviews", "reviews -> ratings"]),
        ("  Service-A ->service-b ", ["service-a -> service-b"]),
    ])
    func parses(text: String, hops: [String]) throws {
        #expect(try HopPattern.chain(text).map(\.description) == hops)
    }

    @Test("rejects what is not caller -> callee, naming the input", arguments: [
        "", "reviews", "reviews ->", "-> ratings", "a -> -> b", "a b -> c", "reviews => ratings",
    ])
    func rejects(text: String) {
        #expect(throws: TraceAnalysisError(.invalidHop(text))) { try HopPattern.chain(text) }
        #expect(TraceAnalysisError(.invalidHop(text)).description.contains("\"\(text)\""))
    }

    @Test("a single hop pattern refuses a chain")
    func singleHop() {
        #expect(throws: TraceAnalysisError.self) { try HopPattern("a -> b -> c") }
        #expect((try? HopPattern("a -> b")) == HopPattern(caller: "a", callee: "b"))
    }

    @Test("a side matches the service or the node id", arguments: [
        ("reviews -> ratings", true), ("reviews-v2 -> ratings", true), ("reviews-v3 -> ratings", false),
        ("reviews -> ratings-v1", true), ("reviews -> details", false), ("productpage -> ratings", false),
    ])
    func matching(pattern: String, matches: Bool) throws {
        let hop = TraceHop(caller: "reviews-v2", callerService: "reviews", callerNode: "reviews-v2", callee: "ratings", calleeNode: "ratings-v1")
        #expect(try HopPattern(pattern).matches(hop) == matches)
    }
}
