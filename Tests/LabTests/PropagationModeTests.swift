import LabModel
import TraceContext
import Testing

@Suite("Propagation modes")
struct PropagationModeTests {
    static let incoming: HeaderFields = [
        "X-Request-Id": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "x-b3-traceid": "463ac35c9f6413ad48485a3953bb6124",
        "x-b3-spanid": "a2fb4a1d1a96d312",
        "x-b3-parentspanid": "0020000000000001",
        "x-b3-sampled": "1",
        "x-b3-flags": "1",
        "b3": "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-1-0020000000000001",
        "traceparent": "00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-01",
        "tracestate": "tl=1",
        "x-ot-span-context": "463ac35c9f6413ad48485a3953bb6124;a2fb4a1d1a96d312;0020000000000001;cs",
        "content-type": "text/plain",
        "uber-trace-id": "463ac35c9f6413ad48485a3953bb6124:a2fb4a1d1a96d312:0:1",
    ]

    /// A generator with a fixed sequence, so `new-request-id` is predictable.
    struct FixedGenerator: RandomNumberGenerator {
        var state: UInt64 = 0x1234_5678_9abc_def0
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
    }

    static let forwardedNames = TraceHeaders.forwarded

    @Test("each mode forwards exactly its headers", arguments: [
        (PropagationMode.forwardAll, forwardedNames),
        (.dropAll, []),
        (.dropB3, ["x-request-id", "x-ot-span-context", "traceparent", "tracestate"]),
        (.dropRequestID, Array(forwardedNames.dropFirst())),
        (.onlyTraceparent, ["traceparent"]),
        (.newRequestID, forwardedNames),
        (.dropSampled, ["x-request-id", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "b3", "x-ot-span-context", "traceparent", "tracestate"]),
    ])
    func forwardedHeaders(mode: PropagationMode, expected: [String]) {
        var generator = FixedGenerator()
        let outgoing = mode.outgoingHeaders(from: Self.incoming, using: &generator)
        #expect(Set(outgoing.map { $0.name.lowercased() }) == Set(expected))
        #expect(outgoing["content-type"] == nil, "only trace headers are forwarded")
        #expect(outgoing["uber-trace-id"] == nil, "uber-trace-id is not on the forwarded list")
    }

    @Test("forward-all copies values unchanged")
    func forwardAllValues() {
        var generator = FixedGenerator()
        let outgoing = PropagationMode.forwardAll.outgoingHeaders(from: Self.incoming, using: &generator)
        for name in TraceHeaders.forwarded {
            #expect(outgoing[name] == Self.incoming[name], "\(name)")
        }
    }

    @Test("new-request-id replaces the id with another valid UUID")
    func newRequestID() throws {
        var generator = FixedGenerator()
        let outgoing = PropagationMode.newRequestID.outgoingHeaders(from: Self.incoming, using: &generator)
        let id = try #require(outgoing["x-request-id"])
        #expect(id != Self.incoming["x-request-id"])
        #expect(throws: Never.self) { try RequestID(id) }
        #expect(outgoing["x-b3-spanid"] == "a2fb4a1d1a96d312")
    }

    @Test("drop-sampled keeps b3's ids but not its sampling or parent")
    func dropSampledRewritesB3() {
        var generator = FixedGenerator()
        let outgoing = PropagationMode.dropSampled.outgoingHeaders(from: Self.incoming, using: &generator)
        #expect(outgoing["b3"] == "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312")
        let samplingOnly = PropagationMode.dropSampled.outgoingHeaders(from: ["b3": "1"] as HeaderFields, using: &generator)
        #expect(samplingOnly["b3"] == nil)
    }

    @Test("with no trace headers every mode forwards nothing but new-request-id's fresh id", arguments: PropagationMode.allCases)
    func emptyIncoming(mode: PropagationMode) {
        var generator = FixedGenerator()
        let outgoing = mode.outgoingHeaders(from: ["accept": "*/*"] as HeaderFields, using: &generator)
        #expect(outgoing.map(\.name) == (mode == .newRequestID ? ["x-request-id"] : []))
    }

    @Test("mode names parse, case-insensitively; unknown ones list the valid names")
    func parsing() throws {
        #expect(try PropagationMode(parsing: "DROP-B3") == .dropB3)
        do {
            _ = try PropagationMode(parsing: "drop-everything")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("drop-everything"))
            #expect(error.description.contains("only-traceparent"))
        }
    }
}
