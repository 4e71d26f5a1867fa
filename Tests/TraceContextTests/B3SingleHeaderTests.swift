import Testing
import TraceContext

/// The malformed-input table of Envoy's Zipkin `span_context_extractor_test.cc`, reproduced
/// row by row (Envoy's exception text in the comment), plus the spec's valid forms.
@Suite("B3 single header")
struct B3SingleHeaderTests {
    static let traceID = "0000000000000001"
    static let traceIDHigh = "0000000000000009"
    static let spanID = "0000000000000003"
    static let parentID = "0000000000000002"
    static func cut(_ id: String) -> String { String(id.prefix(15)) }

    @Test("reads the largest form: 128-bit trace, span, sampled, parent")
    func largest() throws {
        let context = try #require(try B3SingleHeader.extract("\(Self.traceIDHigh)\(Self.traceID)-\(Self.spanID)-1-\(Self.parentID)").context)
        #expect(context.traceID.is128Bit)
        #expect(context.traceID.high == 9)
        #expect(context.traceID.low == 1)
        #expect(context.spanID.value == 3)
        #expect(context.parentSpanID?.value == 2)
        #expect(context.sampling == .sampled)
    }

    /// Valid values (Envoy's WithoutParentDebug, IdNotYetSampled128, IdsUnsampled,
    /// ParentUnsampled, ParentDebug, IdsWithDebug, WithoutSampled).
    static let valid: [(String, is128: Bool, parent: UInt64?, sampling: SamplingState)] = [
        ("\(traceIDHigh)\(traceID)-\(spanID)-d", true, nil, .debug),
        ("\(traceIDHigh)\(traceID)-\(spanID)", true, nil, .deferred),
        ("\(traceID)-\(spanID)-0", false, nil, .notSampled),
        ("\(traceID)-\(spanID)-0-\(parentID)", false, 2, .notSampled),
        ("\(traceID)-\(spanID)-d-\(parentID)", false, 2, .debug),
        ("\(traceID)-\(spanID)-d", false, nil, .debug),
        ("\(traceID)-\(spanID)", false, nil, .deferred),
        ("\(traceID)-\(spanID)-1", false, nil, .sampled),
    ]

    @Test("reads every valid form", arguments: valid)
    func validForms(value: String, is128: Bool, parent: UInt64?, sampling: SamplingState) throws {
        let context = try #require(try B3SingleHeader.extract(value).context)
        #expect(context.traceID.is128Bit == is128)
        #expect(context.traceID.low == 1)
        #expect(context.spanID.value == 3)
        #expect(context.parentSpanID?.value == parent)
        #expect(context.sampling == sampling)
    }

    @Test("a lone 0, 1 or d is a sampling decision without ids (Envoy's DebugOnly, Sampled, SampledFalse)", arguments: [
        ("0", SamplingState.notSampled), ("1", .sampled), ("d", .debug),
    ])
    func samplingOnly(value: String, sampling: SamplingState) throws {
        #expect(try B3SingleHeader.extract(value) == .samplingOnly(sampling))
    }

    /// Each row: value, the reason it must fail with, and Envoy's message for the same input.
    static let malformed: [(String, TraceContextError.Reason, envoy: String)] = [
        ("", .empty, "empty"),
        ("b970dafd-0d95-40aa-95d8-1d8725aebe40", .notLowerHex, "invalid trace id b970dafd-0d95-40 (MalformedUuid)"),
        ("\(traceID)\(traceID)-\(spanID),", .malformed, "truncated (MiddleOfString)"),
        ("\(traceID)\(traceID)\(traceID)-\(spanID)-\(traceID)", .tooLong, "too long"),
        ("\(traceIDHigh)\(traceID)-\(spanID)-1-\(parentID)a", .tooLong, "too long"),
        ("\(cut(traceID))!\(traceID)-\(spanID)", .notLowerHex, "invalid trace id high"),
        ("\(traceID)\(cut(traceID))!-\(spanID)", .notLowerHex, "invalid trace id"),
        ("\(cut(traceID))!-\(spanID)", .notLowerHex, "invalid trace id"),
        ("\(traceID)!\(spanID)", .malformed, "not exists span id"),
        ("\(traceID)-\(cut(spanID))!", .notLowerHex, "invalid span id"),
        ("\(traceID)-\(spanID)!0", .malformed, "not exists sampling field"),
        ("\(traceID)-\(spanID)-c", .invalidSampling, "invalid sampling flag c"),
        ("\(traceID)-\(spanID)-d!\(parentID)", .invalidSampling, "truncated"),
        ("\(traceID)-\(spanID)-d-\(cut(parentID))!", .notLowerHex, "invalid parent id"),
        ("-", .invalidSampling, "invalid sampling flag -"),
        ("-1", .truncated, "truncated"),
        ("1-", .truncated, "truncated"),
        (cut(traceID), .truncated, "truncated"),
        (traceID, .truncated, "truncated"),
        ("\(traceID)-", .truncated, "truncated"),
        ("\(cut(traceID))-\(spanID)", .truncated, "truncated"),
        ("\(traceID)-\(cut(spanID))", .truncated, "truncated"),
        ("\(traceID)-\(spanID)-", .truncated, "truncated"),
        ("\(traceID)-\(spanID)-1-", .truncated, "truncated"),
        ("\(traceID)-\(spanID)-1-\(cut(parentID))", .truncated, "truncated"),
        ("\(traceID)-\(spanID)-\(traceID)\(traceID)", .invalidSampling, "truncated"),
        // Beyond Envoy's table: the b3-propagation spec's own rules.
        ("\(traceID)-\(spanID)-\(parentID)", .invalidSampling, "(parent without a sampling field)"),
        ("\(traceID)-\(spanID)-1-\(parentID)-", .tooLong, "(trailing dash)"),
        ("\(traceID)-\(spanID)-1-\(parentID)0", .tooLong, "(parent too long)"),
        ("463AC35C9F6413AD-\(spanID)-1", .notLowerHex, "(upper-case trace id)"),
        ("\(traceID)-A2FB4A1D1A96D312", .notLowerHex, "(upper-case span id)"),
        ("\(traceID)-\(spanID)-D", .invalidSampling, "(upper-case debug)"),
        ("0000000000000000-\(spanID)-1", .allZero, "(all-zero trace id)"),
        ("\(traceID)-0000000000000000-1", .allZero, "(all-zero span id)"),
        ("\(traceID)-\(spanID)-1-0000000000000000", .allZero, "(all-zero parent id)"),
        ("x", .invalidSampling, "(unknown sampling-only value)"),
        ("\(traceID) -\(spanID)", .malformed, "(space before the separator)"),
    ]

    @Test("rejects Envoy's malformed inputs with the exact reason", arguments: malformed)
    func malformedInputs(value: String, reason: TraceContextError.Reason, envoy: String) {
        do {
            let extraction = try B3SingleHeader.extract(value)
            Issue.record("'\(value)' was read as \(extraction); Envoy says: \(envoy)")
        } catch {
            #expect(error.reason == reason, "'\(value)': Envoy says \(envoy); got \(error)")
            #expect(error.field == .b3 || error.field == .traceID || error.field == .spanID || error.field == .parentSpanID)
        }
    }

    @Test("ids are reported in the field they belong to", arguments: [
        ("\(cut(traceID))!-\(spanID)", TraceContextError.Field.traceID),
        ("\(traceID)-\(cut(spanID))!", .spanID),
        ("\(traceID)-\(spanID)-1-\(cut(parentID))!", .parentSpanID),
    ])
    func errorField(value: String, field: TraceContextError.Field) {
        #expect {
            _ = try B3SingleHeader.extract(value)
        } throws: { ($0 as? TraceContextError)?.field == field }
    }

    @Test("a 10 MB value is rejected as too long, quickly and with a short message")
    func hugeValue() {
        let huge = String(repeating: "0", count: 10 << 20)
        do {
            _ = try B3SingleHeader.extract(huge)
            Issue.record("expected an error")
        } catch {
            #expect(error.reason == .tooLong)
            #expect(error.input.utf8.count <= 70)
        }
    }

    @Test("writes lower case, omits sampling when deferred and then the parent too")
    func values() throws {
        let trace = try TraceID(hex: "463ac35c9f6413ad48485a3953bb6124")
        let span = try SpanID(hex: "a2fb4a1d1a96d312")
        let parent = try SpanID(hex: "0020000000000001")
        let base = "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312"
        #expect(B3SingleHeader.value(for: SpanContext(traceID: trace, spanID: span, parentSpanID: parent, sampling: .sampled)) == base + "-1-0020000000000001")
        #expect(B3SingleHeader.value(for: SpanContext(traceID: trace, spanID: span, parentSpanID: parent, sampling: .debug)) == base + "-d-0020000000000001")
        #expect(B3SingleHeader.value(for: SpanContext(traceID: trace, spanID: span, sampling: .notSampled)) == base + "-0")
        #expect(B3SingleHeader.value(for: SpanContext(traceID: trace, spanID: span, parentSpanID: parent, sampling: .deferred)) == base)
        #expect(B3SingleHeader.value(for: .sampled) == "1")
        #expect(B3SingleHeader.value(for: .notSampled) == "0")
        #expect(B3SingleHeader.value(for: .debug) == "d")
        #expect(B3SingleHeader.value(for: .deferred) == nil)
    }

    @Test("extract, write, extract gives the same context", arguments: [SamplingState.sampled, .notSampled, .debug])
    func roundTrip(sampling: SamplingState) throws {
        var generator = SplitMix64(seed: 11)
        for is128 in [true, false] {
            for parent in [nil, SpanID.random(using: &generator)] {
                let context = SpanContext(traceID: .random(is128Bit: is128, using: &generator), spanID: .random(using: &generator), parentSpanID: parent, sampling: sampling)
                let value = B3SingleHeader.value(for: context)
                #expect(try B3SingleHeader.extract(value).context == context)
                #expect(value.count <= B3SingleHeader.maximumLength)
            }
        }
    }
}
