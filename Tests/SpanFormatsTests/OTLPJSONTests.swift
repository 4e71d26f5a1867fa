import Foundation
import Testing
import Zipkin
@testable import SpanFormats

@Suite("OTLP/JSON")
struct OTLPJSONTests {
    func decode(_ json: String) throws -> OTLPExport {
        try OTLPTraceDecoder().decodeJSON(Array(json.utf8))
    }

    /// The example of the OTLP specification (examples/trace.json), trimmed.
    static let example = """
    {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"my.service"}}]},
      "scopeSpans":[{"scope":{"name":"my.library","version":"1.0.0","attributes":[{"key":"my.scope.attribute","value":{"stringValue":"some scope attribute"}}]},
        "spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"EEE19B7EC3C1B173",
          "name":"I'm a server span","startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000","kind":2,
          "attributes":[{"key":"my.span.attr","value":{"stringValue":"some value"}},{"key":"retries","value":{"intValue":"3"}}],
          "status":{"code":2,"message":"boom"},"futureField":{"ignored":true}}]}]}]}
    """

    @Test("the specification's example: hex ids (upper case too), int64 as strings, numeric enums, unknown fields ignored")
    func specificationExample() throws {
        let result = try decode(Self.example)
        let span = try #require(result.spans.first)
        #expect(result.rejectedSpans == 0)
        #expect(span.traceID.hex == "5b8efff798038103d269b633813fc60c")
        #expect(span.id.hex == "eee19b7ec3c1b174")
        #expect(span.parentID?.hex == "eee19b7ec3c1b173")
        #expect(span.kind == .server)
        #expect(span.localServiceName == "my.service")
        #expect(span.timestamp == 1_544_712_660_000_000)
        #expect(span.duration == 1_000_000)
        #expect(span.tags["retries"] == "3")
        #expect(span.tags["otel.scope.name"] == "my.library")
        #expect(span.tags["error"] == "boom")
    }

    @Test("base64 ids (proto3 JSON proper) are read too; a root span's empty parent is none")
    func base64IDs() throws {
        let result = try decode("""
        {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","parentSpanId":"","name":"root","kind":"SPAN_KIND_CLIENT"}]}]}]}
        """)
        let span = try #require(result.spans.first)
        #expect(span.traceID.hex == "5b8efff798038103d269b633813fc60c")
        #expect(span.id.hex == "eee19b7ec3c1b174")
        #expect(span.parentID == nil)
        #expect(span.kind == .client, "enum names are accepted as well as numbers")
    }

    @Test("a span whose ids are not hex is left out and named; the others are kept", arguments: [
        ("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "traceId 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz' is not 32 hex digits"),
        ("5b8efff798038103", "traceId must be 32 hex digits"),
        ("", "traceId must be 16 bytes, got 0"),
        ("00000000000000000000000000000000", "traceId is all zeros"),
    ])
    func badIDs(traceID: String, message: String) throws {
        let result = try decode("""
        {"resourceSpans":[{"scopeSpans":[{"spans":[
          {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"good"},
          {"traceId":"\(traceID)","spanId":"eee19b7ec3c1b174","name":"bad"}]}]}]}
        """)
        #expect(result.spans.map(\.name) == ["good"])
        #expect(result.rejectedSpans == 1)
        let rejection = try #require(result.rejectionMessage)
        #expect(rejection.contains(message), "\(rejection)")
        #expect(rejection.contains("resourceSpans[0].scopeSpans[0].spans[1]"))
    }

    @Test("bodies that are not an ExportTraceServiceRequest are refused with a reason", arguments: [
        "", "[]", "{\"resourceSpans\":{}}", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"soon\"}]}]}]}", "{\"resourceSpans\":[",
    ])
    func malformed(json: String) {
        let error = #expect(throws: SpanFormatError.self) { try decode(json) }
        #expect(error?.description.hasPrefix("invalid OTLP JSON body: not a valid ExportTraceServiceRequest JSON document") == true)
    }

    @Test("a trace id with a zero high half is a 64-bit id, as the OpenTelemetry Collector's Zipkin translator prints it: an SDK continuing a sidecar's B3 trace joins it")
    func paddedSixtyFourBitTraceID() throws {
        let result = try decode("""
        {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0000000000000000463ac35c9f6413ad","spanId":"0000000000000001"},
          {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"0000000000000002"}]}]}]}
        """)
        #expect(result.spans.map(\.traceID.hex) == ["463ac35c9f6413ad", "0af7651916cd43dd8448eb211c80319c"])
        #expect(result.spans.map(\.traceID.is128Bit) == [false, true])
    }

    @Test("a peer address that only looks like an IP is a service name (fuzz findings)", arguments: ["+1.2.3.4", "::::"])
    func lookalikeAddress(value: String) throws {
        let result = try decode("""
        {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000000001","spanId":"0000000000000001","kind":3,
          "attributes":[{"key":"server.address","value":{"stringValue":"\(value)"}}]}]}]}]}
        """)
        let span = try #require(result.spans.first)
        #expect(span.remoteEndpoint == ZipkinEndpoint(serviceName: value))
    }
}
