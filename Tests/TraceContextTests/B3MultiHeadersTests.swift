import Testing
import TraceContext

@Suite("B3 multi headers")
struct B3MultiHeadersTests {
    static let trace128 = "463ac35c9f6413ad48485a3953bb6124"
    static let trace64 = "463ac35c9f6413ad"
    static let span = "a2fb4a1d1a96d312"
    static let parent = "0020000000000001"

    @Test("reads a full context with 128-bit trace id, parent and sampled")
    func readsFullContext() throws {
        let headers: HeaderFields = [
            "x-b3-traceid": Self.trace128, "x-b3-spanid": Self.span,
            "x-b3-parentspanid": Self.parent, "x-b3-sampled": "1",
        ]
        let context = try #require(try B3MultiHeaders.extract(from: headers)?.context)
        #expect(context.traceID.hex == Self.trace128)
        #expect(context.traceID.is128Bit)
        #expect(context.traceID.high == 0x463a_c35c_9f64_13ad)
        #expect(context.traceID.low == 0x4848_5a39_53bb_6124)
        #expect(context.spanID.hex == Self.span)
        #expect(context.parentSpanID?.hex == Self.parent)
        #expect(context.sampling == .sampled)
    }

    @Test("keeps a 64-bit trace id at 64 bits")
    func keeps64BitTraceID() throws {
        let headers: HeaderFields = ["x-b3-traceid": Self.trace64, "x-b3-spanid": Self.span]
        let context = try #require(try B3MultiHeaders.extract(from: headers)?.context)
        #expect(!context.traceID.is128Bit)
        #expect(context.traceID.hex == Self.trace64)
        #expect(context.sampling == .deferred)
        #expect(context.parentSpanID == nil)
    }

    @Test("matches header names in any case", arguments: [
        ["X-B3-TraceId", "X-B3-SpanId", "X-B3-Sampled"],
        ["x-b3-traceid", "x-b3-spanid", "x-b3-sampled"],
        ["X-B3-TRACEID", "X-B3-SPANID", "X-B3-SAMPLED"],
    ])
    func caseInsensitiveNames(names: [String]) throws {
        let headers = HeaderFields([(names[0], Self.trace64), (names[1], Self.span), (names[2], "0")])
        let context = try #require(try B3MultiHeaders.extract(from: headers)?.context)
        #expect(context.spanID.hex == Self.span)
        #expect(context.sampling == .notSampled)
    }

    @Test("reads x-b3-sampled values, legacy true/false included", arguments: [
        ("1", SamplingState.sampled), ("0", .notSampled), ("true", .sampled), ("false", .notSampled),
        ("True", .sampled), ("FALSE", .notSampled),
    ])
    func sampledValues(value: String, expected: SamplingState) throws {
        let headers: HeaderFields = ["x-b3-traceid": Self.trace64, "x-b3-spanid": Self.span, "x-b3-sampled": value]
        #expect(try B3MultiHeaders.extract(from: headers)?.context?.sampling == expected)
    }

    @Test("x-b3-flags: 1 is debug and implies sampled, whatever x-b3-sampled says")
    func flagsDebug() throws {
        for sampled in [nil, "0", "1"] as [String?] {
            var headers: HeaderFields = ["x-b3-traceid": Self.trace64, "x-b3-spanid": Self.span, "x-b3-flags": "1"]
            if let sampled { headers.add(sampled, forName: "x-b3-sampled") }
            let context = try #require(try B3MultiHeaders.extract(from: headers)?.context)
            #expect(context.sampling == .debug)
            #expect(context.sampling.isSampled == true)
        }
    }

    @Test("x-b3-flags: 0 is no debug")
    func flagsZero() throws {
        let headers: HeaderFields = ["x-b3-traceid": Self.trace64, "x-b3-spanid": Self.span, "x-b3-flags": "0", "x-b3-sampled": "1"]
        #expect(try B3MultiHeaders.extract(from: headers)?.context?.sampling == .sampled)
    }

    @Test("no B3 header at all is nil, not an error")
    func absent() throws {
        let headers: HeaderFields = ["host": "reviews", "traceparent": "00-\(Self.trace128)-\(Self.span)-01"]
        #expect(try B3MultiHeaders.extract(from: headers) == nil)
    }

    @Test("a sampling decision without ids is sampling-only", arguments: [
        (["x-b3-sampled": "0"] as [String: String], SamplingState.notSampled),
        (["x-b3-sampled": "1"], .sampled),
        (["x-b3-flags": "1"], .debug),
    ])
    func samplingOnly(fields: [String: String], expected: SamplingState) throws {
        let headers = HeaderFields(fields.map { (name: $0.key, value: $0.value) })
        #expect(try B3MultiHeaders.extract(from: headers) == .samplingOnly(expected))
    }

    /// Each row: headers, the reason and field the error must name.
    static let invalid: [([String: String], TraceContextError.Reason, TraceContextError.Field)] = [
        (["x-b3-traceid": trace64], .missingSpanID, .traceID),
        (["x-b3-spanid": span], .missingTraceID, .spanID),
        (["x-b3-parentspanid": parent], .missingTraceID, .parentSpanID),
        (["x-b3-traceid": "463AC35C9F6413AD", "x-b3-spanid": span], .notLowerHex, .traceID),
        (["x-b3-traceid": trace64, "x-b3-spanid": "A2FB4A1D1A96D312"], .notLowerHex, .spanID),
        (["x-b3-traceid": "463ac35c9f6413a", "x-b3-spanid": span], .wrongLength(expected: "16 or 32"), .traceID),
        (["x-b3-traceid": trace64 + "0", "x-b3-spanid": span], .wrongLength(expected: "16 or 32"), .traceID),
        (["x-b3-traceid": trace128 + "00", "x-b3-spanid": span], .wrongLength(expected: "16 or 32"), .traceID),
        (["x-b3-traceid": trace64, "x-b3-spanid": "a2fb4a1d1a96d31"], .wrongLength(expected: "16"), .spanID),
        (["x-b3-traceid": trace64, "x-b3-spanid": trace128], .wrongLength(expected: "16"), .spanID),
        (["x-b3-traceid": String(repeating: "0", count: 16), "x-b3-spanid": span], .allZero, .traceID),
        (["x-b3-traceid": String(repeating: "0", count: 32), "x-b3-spanid": span], .allZero, .traceID),
        (["x-b3-traceid": trace64, "x-b3-spanid": String(repeating: "0", count: 16)], .allZero, .spanID),
        (["x-b3-traceid": trace64, "x-b3-spanid": span, "x-b3-parentspanid": "xyz"], .wrongLength(expected: "16"), .parentSpanID),
        (["x-b3-traceid": trace64, "x-b3-spanid": span, "x-b3-parentspanid": String(repeating: "0", count: 16)], .allZero, .parentSpanID),
        (["x-b3-traceid": trace64, "x-b3-spanid": span, "x-b3-sampled": "2"], .invalidSampling, .sampled),
        (["x-b3-traceid": trace64, "x-b3-spanid": span, "x-b3-sampled": "d"], .invalidSampling, .sampled),
        (["x-b3-traceid": trace64, "x-b3-spanid": span, "x-b3-sampled": ""], .invalidSampling, .sampled),
        (["x-b3-traceid": trace64, "x-b3-spanid": span, "x-b3-flags": "2"], .invalidSampling, .flags),
        (["x-b3-traceid": "", "x-b3-spanid": span], .wrongLength(expected: "16 or 32"), .traceID),
        (["x-b3-traceid": "463ac35c-9f6413a", "x-b3-spanid": span], .notLowerHex, .traceID),
        (["x-b3-traceid": " 463ac35c9f6413ad", "x-b3-spanid": span], .wrongLength(expected: "16 or 32"), .traceID),
    ]

    @Test("invalid headers throw the exact reason and field", arguments: invalid)
    func invalidHeaders(fields: [String: String], reason: TraceContextError.Reason, field: TraceContextError.Field) {
        let headers = HeaderFields(fields.map { (name: $0.key, value: $0.value) })
        #expect {
            _ = try B3MultiHeaders.extract(from: headers)
        } throws: { error in
            guard let error = error as? TraceContextError else { return false }
            return error.reason == reason && error.field == field
        }
    }

    @Test("a megabyte-long id is rejected with a short message")
    func oversizedValue() {
        let huge = String(repeating: "a", count: 1 << 20)
        let headers: HeaderFields = ["x-b3-traceid": huge, "x-b3-spanid": Self.span]
        do {
            _ = try B3MultiHeaders.extract(from: headers)
            Issue.record("expected an error")
        } catch {
            #expect(error.reason == .wrongLength(expected: "16 or 32"))
            #expect(error.input.count <= 65)
            #expect(error.description.count < 200)
        }
    }

    @Test("the first of duplicate headers is read")
    func duplicateHeaders() throws {
        var headers: HeaderFields = ["x-b3-traceid": Self.trace64, "x-b3-spanid": Self.span]
        headers.add("0000000000000009", forName: "X-B3-SpanId")
        #expect(try B3MultiHeaders.extract(from: headers)?.context?.spanID.hex == Self.span)
    }

    @Test("inject writes lower-case names and values, replacing stale ones")
    func injectLowercase() throws {
        let context = SpanContext(
            traceID: try TraceID(hex: Self.trace128), spanID: try SpanID(hex: Self.span),
            parentSpanID: try SpanID(hex: Self.parent), sampling: .sampled
        )
        var headers: HeaderFields = ["X-B3-TraceId": "1111111111111111", "X-B3-Flags": "1", "Host": "reviews"]
        B3MultiHeaders.inject(context, into: &headers)
        #expect(Set(headers.fields.map(\.name)) == ["Host", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled"])
        #expect(headers.fields.count == 5)
        #expect(headers["x-b3-traceid"] == Self.trace128)
        #expect(headers["x-b3-spanid"] == Self.span)
        #expect(headers["x-b3-parentspanid"] == Self.parent)
        #expect(headers["x-b3-sampled"] == "1")
        #expect(headers["x-b3-flags"] == nil)
        for field in headers where field.name != "Host" {
            #expect(field.name == field.name.lowercased())
            #expect(field.value == field.value.lowercased())
        }
    }

    @Test("inject writes each sampling state as the spec says", arguments: [
        (SamplingState.sampled, "1" as String?, nil as String?),
        (.notSampled, "0", nil),
        (.debug, nil, "1"),
        (.deferred, nil, nil),
    ])
    func injectSampling(sampling: SamplingState, sampled: String?, flags: String?) throws {
        let context = SpanContext(traceID: try TraceID(hex: Self.trace64), spanID: try SpanID(hex: Self.span), sampling: sampling)
        var headers: HeaderFields = ["x-b3-sampled": "stale", "x-b3-flags": "stale"]
        B3MultiHeaders.inject(context, into: &headers)
        #expect(headers["x-b3-sampled"] == sampled)
        #expect(headers["x-b3-flags"] == flags)
        #expect(headers["x-b3-parentspanid"] == nil)
    }

    @Test("extract, inject, extract gives the same context", arguments: [
        SamplingState.sampled, .notSampled, .debug, .deferred,
    ])
    func roundTrip(sampling: SamplingState) throws {
        var generator = SplitMix64(seed: 7)
        for is128 in [true, false] {
            let context = SpanContext(
                traceID: .random(is128Bit: is128, using: &generator), spanID: .random(using: &generator),
                parentSpanID: .random(using: &generator), sampling: sampling
            )
            var headers = HeaderFields()
            B3MultiHeaders.inject(context, into: &headers)
            let read = try #require(try B3MultiHeaders.extract(from: headers)?.context)
            #expect(read == context)
            var again = HeaderFields()
            B3MultiHeaders.inject(read, into: &again)
            #expect(again == headers)
        }
    }
}
