import Testing
import TraceContext

@Suite("TraceContextPropagation")
struct TraceContextPropagationTests {
    static let b3Trace = "463ac35c9f6413ad48485a3953bb6124"
    static let b3Span = "a2fb4a1d1a96d312"
    static let w3cTrace = "0af7651916cd43dd8448eb211c80319c"
    static let w3cSpan = "b7ad6b7169203331"
    static let all = TraceContextPropagation(extractOrder: [.b3Single, .b3Multi, .w3c, .jaeger, .otSpanContext], injectFormats: PropagationFormat.allCases)

    @Test("b3 wins over the multi headers when both are present")
    func b3SingleWins() {
        let headers: HeaderFields = [
            "x-b3-traceid": "1111111111111111", "x-b3-spanid": "2222222222222222", "x-b3-sampled": "0",
            "b3": "\(Self.b3Trace)-\(Self.b3Span)-1",
        ]
        let extraction = TraceContextPropagation().extract(from: headers)
        #expect(extraction.format == .b3Single)
        #expect(extraction.context?.traceID.hex == Self.b3Trace)
        #expect(extraction.sampling == .sampled)
        #expect(extraction.formatsPresent == [.b3Single, .b3Multi])
        #expect(extraction.errors.isEmpty)
    }

    @Test("the configured order decides between B3 and W3C", arguments: [
        ([PropagationFormat.b3Multi, .w3c], PropagationFormat.b3Multi),
        ([.w3c, .b3Multi], .w3c),
        ([.w3c], .w3c),
    ])
    func precedence(order: [PropagationFormat], expected: PropagationFormat) {
        let headers: HeaderFields = [
            "x-b3-traceid": Self.b3Trace, "x-b3-spanid": Self.b3Span,
            "traceparent": "00-\(Self.w3cTrace)-\(Self.w3cSpan)-01",
        ]
        let extraction = TraceContextPropagation(extractOrder: order).extract(from: headers)
        #expect(extraction.format == expected)
        #expect(extraction.context?.traceID.hex == (expected == .w3c ? Self.w3cTrace : Self.b3Trace))
        #expect(extraction.formatsPresent == order)
    }

    @Test("an invalid header falls through to the next format and is reported")
    func fallThrough() throws {
        let headers: HeaderFields = [
            "b3": "not-a-b3-value-at-all-not-a-b3-value",
            "x-b3-traceid": Self.b3Trace, "x-b3-spanid": "XYZ",
            "traceparent": "00-\(Self.w3cTrace)-\(Self.w3cSpan)-01",
        ]
        let extraction = TraceContextPropagation().extract(from: headers)
        #expect(extraction.format == .w3c)
        #expect(extraction.context?.spanID.hex == Self.w3cSpan)
        #expect(extraction.formatsPresent == [.b3Single, .b3Multi, .w3c])
        #expect(extraction.errors.map(\.field) == [.traceID, .spanID])
    }

    @Test("all formats invalid is no context, every error kept")
    func allInvalid() {
        let headers: HeaderFields = ["b3": "", "x-b3-traceid": Self.b3Trace, "traceparent": "ff-\(Self.w3cTrace)-\(Self.w3cSpan)-01"]
        let extraction = TraceContextPropagation().extract(from: headers)
        #expect(extraction.context == nil)
        #expect(extraction.format == nil)
        #expect(extraction.sampling == .deferred)
        #expect(extraction.errors.map(\.reason) == [.empty, .missingSpanID, .forbiddenVersion])
    }

    @Test("no trace headers at all")
    func nothing() {
        let extraction = TraceContextPropagation().extract(from: ["host": "reviews", "accept": "*/*"] as HeaderFields)
        #expect(extraction == TraceContextPropagation.Extraction())
    }

    @Test("a sampling decision without ids is kept", arguments: [
        (["b3": "0"] as [String: String], SamplingState.notSampled),
        (["b3": "d"], .debug),
        (["x-b3-sampled": "1"], .sampled),
        (["x-b3-flags": "1"], .debug),
    ])
    func samplingOnly(fields: [String: String], sampling: SamplingState) {
        let headers = HeaderFields(fields.map { (name: $0.key, value: $0.value) })
        let extraction = TraceContextPropagation().extract(from: headers)
        #expect(extraction.context == nil)
        #expect(extraction.sampling == sampling)
    }

    @Test("b3: 0 next to multi-header ids keeps the ids but wins on sampling")
    func b3SamplingOnlyWins() {
        let headers: HeaderFields = ["b3": "0", "x-b3-traceid": Self.b3Trace, "x-b3-spanid": Self.b3Span, "x-b3-sampled": "1"]
        let extraction = TraceContextPropagation().extract(from: headers)
        #expect(extraction.context?.traceID.hex == Self.b3Trace)
        #expect(extraction.context?.sampling == .notSampled)
        #expect(extraction.sampling == .notSampled)
    }

    @Test("tracestate is attached to a W3C context, and to a B3 context of the same trace")
    func tracestate() throws {
        let w3c: HeaderFields = ["traceparent": "00-\(Self.w3cTrace)-\(Self.w3cSpan)-01", "tracestate": "rojo=1,congo=2"]
        #expect(TraceContextPropagation().extract(from: w3c).context?.traceState?.headerValue == "rojo=1,congo=2")

        let sameTrace: HeaderFields = [
            "b3": "\(Self.w3cTrace)-\(Self.b3Span)-1",
            "traceparent": "00-\(Self.w3cTrace)-\(Self.w3cSpan)-01", "tracestate": "rojo=1",
        ]
        let extraction = TraceContextPropagation().extract(from: sameTrace)
        #expect(extraction.format == .b3Single)
        #expect(extraction.context?.traceState?.headerValue == "rojo=1")

        let otherTrace: HeaderFields = [
            "b3": "\(Self.b3Trace)-\(Self.b3Span)-1",
            "traceparent": "00-\(Self.w3cTrace)-\(Self.w3cSpan)-01", "tracestate": "rojo=1",
        ]
        #expect(TraceContextPropagation().extract(from: otherTrace).context?.traceState == nil)
    }

    @Test("an invalid tracestate is dropped and reported, the traceparent still counts")
    func invalidTracestate() {
        let headers: HeaderFields = ["traceparent": "00-\(Self.w3cTrace)-\(Self.w3cSpan)-01", "tracestate": "Bad Key=1"]
        let extraction = TraceContextPropagation().extract(from: headers)
        #expect(extraction.context?.spanID.hex == Self.w3cSpan)
        #expect(extraction.context?.traceState == nil)
        #expect(extraction.errors.map(\.field) == [.tracestate])
    }

    @Test("extract, inject, extract gives the same context in every format", arguments: PropagationFormat.allCases)
    func roundTrip(format: PropagationFormat) throws {
        var generator = SplitMix64(seed: 21)
        let sampling: SamplingState = format == .otSpanContext ? .deferred : .sampled
        let parent: SpanID? = format == .w3c ? nil : .random(using: &generator)
        let state: TraceState? = format == .w3c ? try TraceState("tracelab=1") : nil
        let context = SpanContext(traceID: .random(using: &generator), spanID: .random(using: &generator), parentSpanID: parent, sampling: sampling, traceState: state)
        let propagation = TraceContextPropagation(extractOrder: [format], injectFormats: [format])
        var headers = HeaderFields()
        propagation.inject(context, into: &headers)
        #expect(Set(headers.fields.map(\.name)).isSubset(of: Set(format.headerNames)))
        let first = try #require(propagation.extract(from: headers).context)
        #expect(first == context)
        var again = HeaderFields()
        propagation.inject(first, into: &again)
        #expect(propagation.extract(from: again).context == context)
        #expect(again == headers)
    }

    @Test("injecting all formats writes every header, removing stale ones first")
    func injectAll() throws {
        var generator = SplitMix64(seed: 8)
        let context = SpanContext(traceID: .random(using: &generator), spanID: .random(using: &generator), sampling: .sampled)
        var headers: HeaderFields = ["X-B3-ParentSpanId": "1111111111111111", "Tracestate": "old=1", "Host": "ratings"]
        Self.all.inject(context, into: &headers)
        #expect(headers["x-b3-parentspanid"] == nil)
        #expect(headers["tracestate"] == nil)
        for name in [TraceHeaders.b3, TraceHeaders.b3TraceID, TraceHeaders.traceparent, TraceHeaders.uberTraceID, TraceHeaders.otSpanContext] {
            #expect(headers[name] != nil, "\(name) missing")
        }
        TraceContextPropagation.remove(from: &headers)
        #expect(headers.fields.map(\.name) == ["Host"])
    }

    @Test("a sampling-only decision is written in the B3 formats only")
    func injectSamplingOnly() {
        var headers = HeaderFields()
        Self.all.injectSampling(.debug, into: &headers)
        #expect(headers["b3"] == "d")
        #expect(headers["x-b3-flags"] == "1")
        #expect(headers["traceparent"] == nil)
        Self.all.injectSampling(.deferred, into: &headers)
        #expect(headers.fields.isEmpty)
    }

    @Test("format lists parse like the proxy's --propagation flag")
    func parseList() throws {
        #expect(try PropagationFormat.parseList("b3multi,b3single,w3c") == [.b3Multi, .b3Single, .w3c])
        #expect(try PropagationFormat.parseList(" W3C , b3multi,w3c") == [.w3c, .b3Multi])
        #expect(throws: PropagationFormatListError(unknown: "zipkin")) { try PropagationFormat.parseList("b3multi,zipkin") }
        #expect(throws: PropagationFormatListError(unknown: "")) { try PropagationFormat.parseList("") }
    }

    @Test("the forwarded header list names everything an app must copy")
    func forwardedList() {
        #expect(TraceHeaders.forwarded == [
            "x-request-id", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags",
            "b3", "x-ot-span-context", "traceparent", "tracestate",
        ])
        for format in PropagationFormat.allCases where format != .jaeger {
            #expect(Set(format.headerNames).isSubset(of: Set(TraceHeaders.forwarded)))
        }
        #expect(Set(TraceHeaders.allB3) == Set(PropagationFormat.b3Multi.headerNames + PropagationFormat.b3Single.headerNames))
    }
}
