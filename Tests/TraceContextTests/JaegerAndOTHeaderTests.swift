import Testing
import TraceContext

@Suite("Jaeger uber-trace-id")
struct UberTraceIDHeaderTests {
    @Test("reads ids, parent and flags", arguments: [
        ("463ac35c9f6413ad:a2fb4a1d1a96d312:0020000000000001:1", "463ac35c9f6413ad", "a2fb4a1d1a96d312", "0020000000000001" as String?, SamplingState.sampled),
        ("463ac35c9f6413ad48485a3953bb6124:a2fb4a1d1a96d312:0:0", "463ac35c9f6413ad48485a3953bb6124", "a2fb4a1d1a96d312", nil, .notSampled),
        ("463ac35c9f6413ad:a2fb4a1d1a96d312:0000000000000000:3", "463ac35c9f6413ad", "a2fb4a1d1a96d312", nil, .debug),
        ("463ac35c9f6413ad:a2fb4a1d1a96d312:0:2", "463ac35c9f6413ad", "a2fb4a1d1a96d312", nil, .debug),
        // Jaeger clients drop leading zeros.
        ("1:2:3:1", "0000000000000001", "0000000000000002", "0000000000000003", .sampled),
        ("10000000000000001:2:0:1", "00000000000000010000000000000001", "0000000000000002", nil, .sampled),
        // URL-encoded, as some clients send it.
        ("463ac35c9f6413ad%3Aa2fb4a1d1a96d312%3a0%3A1", "463ac35c9f6413ad", "a2fb4a1d1a96d312", nil, .sampled),
    ])
    func reads(value: String, trace: String, span: String, parent: String?, sampling: SamplingState) throws {
        let context = try UberTraceIDHeader.extract(value)
        #expect(context.traceID.hex == trace)
        #expect(context.spanID.hex == span)
        #expect(context.parentSpanID?.hex == parent)
        #expect(context.sampling == sampling)
    }

    @Test("rejects malformed values", arguments: [
        ("", TraceContextError.Reason.empty),
        ("463ac35c9f6413ad:a2fb4a1d1a96d312:0", .truncated),
        ("463ac35c9f6413ad:a2fb4a1d1a96d312:0:1:9", .tooLong),
        (":a2fb4a1d1a96d312:0:1", .wrongLength(expected: "1 to 32")),
        ("463ac35c9f6413ad::0:1", .wrongLength(expected: "1 to 16")),
        ("463ac35c9f6413ad:a2fb4a1d1a96d312::1", .wrongLength(expected: "1 to 16")),
        ("0:a2fb4a1d1a96d312:0:1", .allZero),
        ("463ac35c9f6413ad:0:0:1", .allZero),
        ("463AC35C9F6413AD:a2fb4a1d1a96d312:0:1", .notLowerHex),
        ("463ac35c9f6413ad:a2fb4a1d1a96d312:0:x", .invalidSampling),
        ("463ac35c9f6413ad:a2fb4a1d1a96d312:0:256", .invalidSampling),
        (String(repeating: "1", count: 200), .tooLong),
    ])
    func malformed(value: String, reason: TraceContextError.Reason) {
        #expect {
            _ = try UberTraceIDHeader.extract(value)
        } throws: { ($0 as? TraceContextError)?.reason == reason }
    }

    @Test("writes full-width ids and round-trips", arguments: [SamplingState.sampled, .notSampled, .debug])
    func roundTrip(sampling: SamplingState) throws {
        var generator = SplitMix64(seed: 5)
        let context = SpanContext(traceID: .random(using: &generator), spanID: .random(using: &generator), parentSpanID: .random(using: &generator), sampling: sampling)
        let value = UberTraceIDHeader.value(for: context)
        #expect(value.hasPrefix(context.traceID.hex + ":" + context.spanID.hex + ":"))
        #expect(try UberTraceIDHeader.extract(value) == context)
        let root = SpanContext(traceID: context.traceID, spanID: context.spanID, sampling: sampling)
        #expect(UberTraceIDHeader.value(for: root).split(separator: ":")[2] == "0")
        #expect(try UberTraceIDHeader.extract(UberTraceIDHeader.value(for: root)) == root)
    }
}

@Suite("x-ot-span-context")
struct OTSpanContextHeaderTests {
    @Test("reads trace;span;parent, with a zero or missing parent as none", arguments: [
        ("463ac35c9f6413ad;a2fb4a1d1a96d312;0020000000000001", "0020000000000001" as String?),
        ("463ac35c9f6413ad;a2fb4a1d1a96d312;0000000000000000", nil),
        ("463ac35c9f6413ad;a2fb4a1d1a96d312", nil),
    ])
    func reads(value: String, parent: String?) throws {
        let context = try OTSpanContextHeader.extract(value)
        #expect(context.traceID.hex == "463ac35c9f6413ad")
        #expect(context.spanID.hex == "a2fb4a1d1a96d312")
        #expect(context.parentSpanID?.hex == parent)
        #expect(context.sampling == .deferred)
    }

    @Test("rejects malformed values", arguments: [
        ("", TraceContextError.Reason.empty),
        ("463ac35c9f6413ad", .truncated),
        ("463ac35c9f6413ad;a2fb4a1d1a96d312;0020000000000001;1", .tooLong),
        ("463ac35c9f6413ad;a2fb4a1d1a96d31", .wrongLength(expected: "16")),
        ("463AC35C9F6413AD;a2fb4a1d1a96d312", .notLowerHex),
        (String(repeating: "a", count: 100), .tooLong),
    ])
    func malformed(value: String, reason: TraceContextError.Reason) {
        #expect {
            _ = try OTSpanContextHeader.extract(value)
        } throws: { ($0 as? TraceContextError)?.reason == reason }
    }

    @Test("round-trips")
    func roundTrip() throws {
        var generator = SplitMix64(seed: 9)
        for parent in [nil, SpanID.random(using: &generator)] {
            let context = SpanContext(traceID: .random(using: &generator), spanID: .random(using: &generator), parentSpanID: parent)
            #expect(try OTSpanContextHeader.extract(OTSpanContextHeader.value(for: context)) == context)
        }
    }
}
