import Foundation
import Testing
import TraceContext
import Zipkin
@testable import SpanFormats

@Suite("OTLP to Zipkin")
struct OTLPTraceDecoderTests {
    func export(_ spans: [Opentelemetry_Proto_Trace_V1_Span], service: String? = "productpage") throws -> OTLPExport {
        try OTLPTraceDecoder().decodeProtobuf(TestMessages.otlpRequest(spans, service: service).serializedBytes())
    }

    func only(_ span: Opentelemetry_Proto_Trace_V1_Span) throws -> ZipkinSpan {
        let result = try export([span])
        #expect(result.rejectedSpans == 0)
        return try #require(result.spans.first)
    }

    @Test("ids, name, kind, times, service and remote endpoint of a CLIENT span")
    func clientSpan() throws {
        let span = try only(TestMessages.otlpSpan())
        #expect(span.traceID.hex == "5b8efff798038103d269b633813fc60c")
        #expect(span.traceID.is128Bit)
        #expect(span.id.hex == "eee19b7ec3c1b174")
        #expect(span.parentID?.hex == "eee19b7ec3c1b173")
        #expect(span.name == "GET /reviews/0")
        #expect(span.kind == .client)
        #expect(span.timestamp == 1_767_225_600_000_000, "499 ns rounds down")
        #expect(span.duration == 2501, "2,500,500 ns rounds up")
        #expect(span.localEndpoint == ZipkinEndpoint(serviceName: "productpage"))
        #expect(span.remoteEndpoint == ZipkinEndpoint(serviceName: "reviews", port: 9080))
        #expect(span.tags["http.response.status_code"] == "200")
        #expect(span.tags["telemetry.sdk.language"] == "swift", "resource attributes are tags too")
        #expect(span.tags["otel.scope.name"] == "tracelab.tests")
        #expect(span.tags["otel.scope.version"] == "1.0")
        #expect(span.tags["otel.library.name"] == "tracelab.tests")
        #expect(span.tags["otel.status_code"] == nil, "UNSET is not reported")
        #expect(span.tags["error"] == nil)
    }

    @Test("kinds", arguments: [
        (Opentelemetry_Proto_Trace_V1_Span.SpanKind.server, ZipkinSpan.Kind.server),
        (.client, .client), (.producer, .producer), (.consumer, .consumer),
    ])
    func kinds(kind: Opentelemetry_Proto_Trace_V1_Span.SpanKind, expected: ZipkinSpan.Kind) throws {
        #expect(try only(TestMessages.otlpSpan(kind: kind)).kind == expected)
    }

    @Test("INTERNAL and unspecified spans have no kind")
    func internalSpans() throws {
        #expect(try only(TestMessages.otlpSpan(kind: .internal)).kind == nil)
        #expect(try only(TestMessages.otlpSpan(kind: .unspecified)).kind == nil)
    }

    @Test("status: OK and ERROR become otel.status_code and error; a stray error=false goes")
    func status() throws {
        var failing = TestMessages.otlpSpan()
        failing.status.code = .error
        failing.status.message = "upstream reset"
        let failed = try only(failing)
        #expect(failed.tags["otel.status_code"] == "ERROR")
        #expect(failed.tags["error"] == "upstream reset")

        var silent = TestMessages.otlpSpan()
        silent.status.code = .error
        #expect(try only(silent).tags["error"] == "", "ERROR without a description is an empty error tag")

        var fine = TestMessages.otlpSpan()
        fine.status.code = .ok
        fine.attributes.append(TestMessages.attribute("error", .boolValue(false)))
        let ok = try only(fine)
        #expect(ok.tags["otel.status_code"] == "OK")
        #expect(ok.tags["error"] == nil)
    }

    @Test("attribute values: text, booleans, numbers, arrays and maps as JSON, bytes as base64")
    func attributeValues() throws {
        var span = TestMessages.otlpSpan()
        var strings = Opentelemetry_Proto_Common_V1_ArrayValue()
        strings.values = ["a", "b\"c"].map { text in
            var value = Opentelemetry_Proto_Common_V1_AnyValue()
            value.stringValue = text
            return value
        }
        var numbers = Opentelemetry_Proto_Common_V1_ArrayValue()
        numbers.values = [Int64(1), 2].map { number in
            var value = Opentelemetry_Proto_Common_V1_AnyValue()
            value.intValue = number
            return value
        }
        var map = Opentelemetry_Proto_Common_V1_KeyValueList()
        map.values = [TestMessages.attribute("k", .boolValue(true)), TestMessages.attribute("n", .doubleValue(0.5))]
        span.attributes = [
            TestMessages.attribute("bool", .boolValue(true)),
            TestMessages.attribute("double", .doubleValue(1.5)),
            TestMessages.attribute("strings", .arrayValue(strings)),
            TestMessages.attribute("numbers", .arrayValue(numbers)),
            TestMessages.attribute("map", .kvlistValue(map)),
            TestMessages.attribute("bytes", .bytesValue(Data([0xde, 0xad]))),
            Opentelemetry_Proto_Common_V1_KeyValue.with { $0.key = "empty" },
        ]
        let tags = try only(span).tags
        #expect(tags["bool"] == "true")
        #expect(tags["double"] == "1.5")
        #expect(tags["strings"] == #"["a","b\"c"]"#)
        #expect(tags["numbers"] == "[1,2]")
        #expect(tags["map"] == #"{"k":true,"n":0.5}"#)
        #expect(tags["bytes"] == "3q0=")
        #expect(tags["empty"] == nil)
    }

    @Test("events become annotations; attributes as the SDKs' Zipkin exporters write them")
    func events() throws {
        var span = TestMessages.otlpSpan()
        var plain = Opentelemetry_Proto_Trace_V1_Span.Event()
        plain.name = "retry"
        plain.timeUnixNano = 1_767_225_600_001_000_000
        var detailed = Opentelemetry_Proto_Trace_V1_Span.Event()
        detailed.name = "exception"
        detailed.timeUnixNano = 1_767_225_600_002_000_000
        detailed.attributes = [TestMessages.attribute("exception.type", .stringValue("Timeout")), TestMessages.attribute("attempt", .intValue(2))]
        span.events = [plain, detailed]
        let annotations = try only(span).annotations
        #expect(annotations == [
            ZipkinAnnotation(timestamp: 1_767_225_600_001_000, value: "retry"),
            ZipkinAnnotation(timestamp: 1_767_225_600_002_000, value: #"{"exception": {"attempt": 2, "exception.type": "Timeout"}}"#),
        ])
    }

    @Test("dropped counts are tags when not zero")
    func droppedCounts() throws {
        var span = TestMessages.otlpSpan()
        span.droppedAttributesCount = 3
        span.droppedEventsCount = 1
        let tags = try only(span).tags
        #expect(tags["otel.dropped_attributes_count"] == "3")
        #expect(tags["otel.dropped_events_count"] == "1")
        #expect(tags["otel.dropped_links_count"] == nil)
    }

    @Test("remote endpoint: peer.service first, then server.address; IPs as addresses; SERVER spans only by peer.service")
    func remoteEndpoint() throws {
        var span = TestMessages.otlpSpan()
        span.attributes.append(TestMessages.attribute("peer.service", .stringValue("Reviews-V2")))
        #expect(try only(span).remoteEndpoint == ZipkinEndpoint(serviceName: "reviews-v2"))

        var byAddress = TestMessages.otlpSpan(kind: .producer)
        byAddress.attributes = [TestMessages.attribute("network.peer.address", .stringValue("10.1.2.3")), TestMessages.attribute("network.peer.port", .intValue(5672))]
        #expect(try only(byAddress).remoteEndpoint == ZipkinEndpoint(ipv4: "10.1.2.3", port: 5672))

        var byIPv6 = TestMessages.otlpSpan()
        byIPv6.attributes = [TestMessages.attribute("server.address", .stringValue("::1"))]
        #expect(try only(byIPv6).remoteEndpoint == ZipkinEndpoint(ipv6: "::1"))

        #expect(try only(TestMessages.otlpSpan(kind: .server)).remoteEndpoint == nil, "a server's server.address is itself")
    }

    @Test("without service.name the service is unknown_service")
    func unknownService() throws {
        let result = try export([TestMessages.otlpSpan()], service: nil)
        #expect(result.spans.first?.localServiceName == "unknown_service")
    }

    @Test("an 8-byte trace id is refused in protobuf as OTLP/JSON refuses it (fuzz finding)")
    func eightByteTraceID() throws {
        var short = TestMessages.otlpSpan()
        short.traceID = Data(TestMessages.traceID128.suffix(8))
        let result = try export([short])
        #expect(result.spans.isEmpty)
        #expect(result.rejectionMessage?.contains("traceId must be 16 bytes, got 8") == true)
        let json = try OTLPTraceDecoder().decodeJSON(Array(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"AQAAAAAAAAE=","spanId":"AAAAAAAAAAE="}]}]}]}"#.utf8))
        #expect(json.spans.isEmpty && json.rejectedSpans == 1)
    }

    @Test("spans with bad ids are left out and counted; the rest are kept")
    func partialSuccess() throws {
        var noTrace = TestMessages.otlpSpan()
        noTrace.traceID = Data()
        var shortSpan = TestMessages.otlpSpan()
        shortSpan.spanID = Data([1, 2, 3])
        let result = try export([noTrace, TestMessages.otlpSpan(), shortSpan])
        #expect(result.spans.count == 1)
        #expect(result.rejectedSpans == 2)
        let message = try #require(result.rejectionMessage)
        #expect(message.hasPrefix("2 spans rejected; the first: invalid OTLP protobuf body: traceId must be 16 bytes, got 0"))
        #expect(message.contains("resourceSpans[0].scopeSpans[0].spans[0]"))
    }

    @Test("fields newer than this receiver are ignored, as OTLP asks; the list field with another wire type is not")
    func unknownFields() throws {
        // resource_spans (empty), then field 9 as a varint and field 10 as a string.
        #expect(try OTLPTraceDecoder().decodeProtobuf([0x0A, 0x00, 0x48, 0x01, 0x52, 0x01, 0x41]).spans.isEmpty)
        let error = #expect(throws: SpanFormatError.self) { try OTLPTraceDecoder().decodeProtobuf([0x48, 0x01, 0x0D, 1, 2, 3, 4]) }
        #expect(error?.problem.contains("field 1 (resource_spans) has the wrong wire type, 32-bit") == true)
    }

    @Test("an empty request is no spans")
    func emptyRequest() throws {
        #expect(try OTLPTraceDecoder().decodeProtobuf([]) == OTLPExport())
    }

    @Test("malformed protobuf is refused with a reason", arguments: [
        [0x0A, 0x05, 0x0A] as [UInt8],  // resource_spans longer than the body
        [0x08, 0x01],  // resource_spans as a varint
        [0x0A, 0x02, 0x12, 0x7F],  // scope_spans longer than its parent
        Array("{\"resourceSpans\":[]}".utf8),  // JSON sent as protobuf
    ])
    func malformedProtobuf(body: [UInt8]) {
        let error = #expect(throws: SpanFormatError.self) { try OTLPTraceDecoder().decodeProtobuf(body) }
        #expect(error?.description.hasPrefix("invalid OTLP protobuf body: not a") == true, "\(String(describing: error))")
    }

    @Test("every prefix and 2,000 mutations of a real request decode or fail with a SpanFormatError, never crash")
    func fuzzLike() throws {
        var withEvent = TestMessages.otlpSpan()
        withEvent.events = [.with { $0.name = "e"; $0.attributes = [TestMessages.attribute("k", .stringValue("v"))] }]
        let body: [UInt8] = try TestMessages.otlpRequest([withEvent, TestMessages.otlpSpan(kind: .server)]).serializedBytes()
        for length in 0..<body.count {
            _ = try? OTLPTraceDecoder().decodeProtobuf(Array(body[..<length]))
        }
        var random = SplitMix64(state: 7)
        for _ in 0..<2000 {
            var mutated = body
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                mutated[Int.random(in: 0..<mutated.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            do throws(SpanFormatError) {
                let result = try OTLPTraceDecoder().decodeProtobuf(mutated)
                #expect(result.spans.count + result.rejectedSpans <= 2)
            } catch {
                #expect(!error.problem.isEmpty)
            }
        }
    }
}
