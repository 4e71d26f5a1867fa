import Instrumentation
import ServiceContextModule
import Testing
import TraceContext
import TraceContextInstrument

/// A `[String: String]` carrier as a test or a simple client would use it.
struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key] ?? carrier.first { $0.key.lowercased() == key }?.value
    }
}

struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

@Suite("TraceContextInstrument")
struct TraceContextInstrumentTests {
    @Test("extracts B3 and x-request-id into a ServiceContext and injects them again")
    func roundTrip() throws {
        let instrument = TraceContextInstrument()
        let incoming = [
            "X-B3-TraceId": "463ac35c9f6413ad", "X-B3-SpanId": "a2fb4a1d1a96d312", "X-B3-Sampled": "1",
            "x-request-id": "2d6959d7-b805-9b75-a719-7ce350512fb7",
        ]
        var context = ServiceContext.topLevel
        instrument.extract(incoming, into: &context, using: DictionaryExtractor())
        let spanContext = try #require(context[SpanContextKey.self])
        #expect(spanContext.traceID.hex == "463ac35c9f6413ad")
        #expect(spanContext.sampling == .sampled)
        #expect(context[RequestIDKey.self]?.value == "2d6959d7-b805-9b75-a719-7ce350512fb7")

        var outgoing: [String: String] = [:]
        instrument.inject(context, into: &outgoing, using: DictionaryInjector())
        #expect(outgoing == [
            "x-b3-traceid": "463ac35c9f6413ad", "x-b3-spanid": "a2fb4a1d1a96d312", "x-b3-sampled": "1",
            "x-request-id": "2d6959d7-b805-9b75-a719-7ce350512fb7",
        ])
    }

    @Test("uses the configured formats: W3C in, B3 single and W3C out")
    func configuredFormats() throws {
        let instrument = TraceContextInstrument(propagation: TraceContextPropagation(extractOrder: [.w3c], injectFormats: [.b3Single, .w3c]))
        var context = ServiceContext.topLevel
        instrument.extract(["traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "x-b3-traceid": "463ac35c9f6413ad", "x-b3-spanid": "a2fb4a1d1a96d312"], into: &context, using: DictionaryExtractor())
        var outgoing: [String: String] = [:]
        instrument.inject(context, into: &outgoing, using: DictionaryInjector())
        #expect(outgoing["b3"] == "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1")
        #expect(outgoing["traceparent"] == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        #expect(outgoing["x-b3-traceid"] == nil)
    }

    @Test("invalid or absent headers leave the context empty")
    func invalid() {
        let instrument = TraceContextInstrument()
        var context = ServiceContext.topLevel
        instrument.extract(["x-b3-traceid": "zz", "x-b3-spanid": "a2fb4a1d1a96d312", "x-request-id": "not-a-uuid"], into: &context, using: DictionaryExtractor())
        #expect(context[SpanContextKey.self] == nil)
        #expect(context[RequestIDKey.self] == nil)
        var outgoing: [String: String] = [:]
        instrument.inject(context, into: &outgoing, using: DictionaryInjector())
        #expect(outgoing.isEmpty)
    }
}
