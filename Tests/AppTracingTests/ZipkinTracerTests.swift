import Synchronization
import Testing
import TraceContext
import TraceContextInstrument
import Tracing
import Zipkin
@testable import AppTracing

/// Keeps what a tracer reports.
final class CollectingReporter: SpanReporter {
    let spans = Mutex<[ZipkinSpan]>([])
    func report(_ span: ZipkinSpan) { spans.withLock { $0.append(span) } }
    var reported: [ZipkinSpan] { spans.withLock { $0 } }
}

@Suite struct ZipkinTracerTests {
    let reporter = CollectingReporter()
    var tracer: ZipkinTracer {
        ZipkinTracer(serviceName: "reviews", instrument: TraceContextInstrument(answersInIncomingFormats: true),
                     reporter: reporter, tags: ["component": "app", "node_id": "reviews-v2"])
    }

    func incoming(_ headers: HeaderFields) -> ServiceContext {
        var context = ServiceContext.topLevel
        tracer.extract(headers, into: &context, using: HeaderGetterExtractor<HeaderFields>())
        return context
    }

    @Test("a span under an incoming B3 context is its child, local (no kind), with its tags, times and request id")
    func childOfIncoming() throws {
        let context = incoming(["x-b3-traceid": "463ac35c9f6413ad", "x-b3-spanid": "a2fb4a1d1a96d312", "x-b3-sampled": "1",
                                "x-request-id": "2d6959d7-b805-9b75-a719-7ce350512fb7"])
        let span = tracer.startSpan("GET /reviews/0", context: context, ofKind: .internal, at: SpanInstant(microsecondsSinceEpoch: 1_000_000))
        span.attributes["http.status_code"] = 200
        span.attributes["http.path"] = "/reviews/0"
        span.end(at: SpanInstant(microsecondsSinceEpoch: 1_002_500))
        let reported = try #require(reporter.reported.first)
        #expect(reporter.reported.count == 1)
        #expect(reported.traceID.hex == "463ac35c9f6413ad")
        #expect(reported.parentID?.hex == "a2fb4a1d1a96d312")
        #expect(reported.id != reported.parentID)
        #expect(reported.kind == nil)
        #expect(reported.name == "GET /reviews/0")
        #expect(reported.timestamp == 1_000_000)
        #expect(reported.duration == 2_500)
        #expect(reported.localServiceName == "reviews")
        #expect(reported.tags == ["component": "app", "node_id": "reviews-v2", "http.status_code": "200",
                                  "http.path": "/reviews/0", "guid:x-request-id": "2d6959d7-b805-9b75-a719-7ce350512fb7"])
    }

    @Test("a call span's context goes out in the formats the request came in, replacing the incoming ids")
    func injectsChildInIncomingFormats() throws {
        let headers: HeaderFields = ["traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "x-request-id": "req-2"]
        let handler = tracer.startSpan("handler", context: incoming(headers), ofKind: .internal, at: SpanInstant(microsecondsSinceEpoch: 1))
        let call = tracer.startSpan("call ratings", context: handler.context, ofKind: .internal, at: SpanInstant(microsecondsSinceEpoch: 2))
        var outgoing = headers
        tracer.inject(call.context, into: &outgoing, using: HeaderSetterInjector<HeaderFields>())
        #expect(outgoing["traceparent"] == "00-0af7651916cd43dd8448eb211c80319c-\(call.spanContext.spanID.hex)-01")
        #expect(outgoing["x-b3-traceid"] == nil, "W3C in, W3C out")
        #expect(outgoing["x-request-id"] == "req-2")
        #expect(call.spanContext.parentSpanID == handler.spanContext.spanID)
        #expect(handler.spanContext.parentSpanID?.hex == "b7ad6b7169203331")
    }

    @Test("a root span has a fresh 64-bit trace id, sampled; a sampling decision without ids is kept")
    func roots() {
        let root = tracer.startSpan("root", context: .topLevel, ofKind: .server, at: SpanInstant(microsecondsSinceEpoch: 5))
        #expect(!root.spanContext.traceID.is128Bit)
        #expect(root.spanContext.parentSpanID == nil)
        #expect(root.spanContext.sampling == .sampled)
        #expect(root.isRecording)
        let denied = tracer.startSpan("denied", context: incoming(["x-b3-sampled": "0"]), ofKind: .internal, at: SpanInstant(microsecondsSinceEpoch: 5))
        #expect(denied.spanContext.sampling == .notSampled)
        #expect(!denied.isRecording)
        denied.end(at: SpanInstant(microsecondsSinceEpoch: 6))
        root.end(at: SpanInstant(microsecondsSinceEpoch: 6))
        root.end(at: SpanInstant(microsecondsSinceEpoch: 7))
        #expect(reporter.reported.map(\.name) == ["root"], "an unsampled span is not reported; a span ends once")
        #expect(reporter.reported.first?.kind == .server)
    }

    @Test("error status, recorded errors, events and array attributes map as the OpenTelemetry Zipkin exporter maps them")
    func mapping() throws {
        struct Timeout: Error, CustomStringConvertible { var description: String { "ratings timed out" } }
        let context = incoming(["b3": "463ac35c9f6413ad-a2fb4a1d1a96d312-d"])
        let span = tracer.startSpan("call", context: context, ofKind: .client, at: SpanInstant(microsecondsSinceEpoch: 10))
        span.attributes["tags"] = ["a", "b\"c"]
        span.attributes["sizes"] = [1, 2] as [Int64]
        span.addEvent(SpanEvent(name: "retry", at: SpanInstant(microsecondsSinceEpoch: 12)))
        span.recordError(Timeout(), attributes: [:], at: SpanInstant(microsecondsSinceEpoch: 13))
        span.end(at: SpanInstant(microsecondsSinceEpoch: 20))
        let reported = try #require(reporter.reported.first)
        #expect(reported.kind == .client)
        #expect(reported.debug)
        #expect(reported.tags["error"] == "ratings timed out")
        #expect(reported.tags["tags"] == #"["a","b\"c"]"#)
        #expect(reported.tags["sizes"] == "[1,2]")
        #expect(reported.annotations.map(\.value) == ["retry", "exception"])
        #expect(reported.annotations.map(\.timestamp) == [12, 13])

        let failed = tracer.startSpan("failed", context: .topLevel, ofKind: .internal, at: SpanInstant(microsecondsSinceEpoch: 1))
        failed.setStatus(SpanStatus(code: .error))
        failed.end(at: SpanInstant(microsecondsSinceEpoch: 1))
        #expect(reporter.reported.last?.tags["error"] == "true")
        #expect(reporter.reported.last?.duration == 1, "a zero-length span lasts 1 µs, as Zipkin wants a duration")
    }
}
