import Collector
import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SpanStore
import Testing
import Zipkin
@testable import SpanFormats

/// Ingest of every format besides Zipkin v2 JSON, with the real clients' bodies
/// (Fixtures/README.md): each answered as its protocol expects, each failure a clear 4xx, and
/// the collector still serving afterwards.
@Suite("Collector ingest formats")
struct IngestFormatsHTTPTests {
    static let logger = Logger(label: "collector-ingest-tests")

    func withCollector(
        maxBodyBytes: Int = 1 << 20, _ body: @Sendable (any TestClientProtocol, any SpanStorage) async throws -> Void
    ) async throws {
        try await TestCollector.run(maxBodyBytes: maxBodyBytes, logger: Self.logger, body)
    }

    static func fixture(_ file: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: file, withExtension: nil, subdirectory: "Fixtures") else {
            throw FixtureMissing(name: file)
        }
        return [UInt8](try Data(contentsOf: url))
    }

    func post(
        _ client: any TestClientProtocol, _ path: String, _ bytes: [UInt8], contentType: String?, encoding: String? = nil
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        if let contentType { headers[.contentType] = contentType }
        if let encoding { headers[.contentEncoding] = encoding }
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    func trace(_ client: any TestClientProtocol, _ traceID: String) async throws -> [ZipkinSpan] {
        let response = try await client.execute(uri: "/api/v2/trace/\(traceID)", method: .get)
        #expect(response.status == .ok)
        return try ZipkinJSONDecoder().decodeSpans(Array(response.body.readableBytesView))
    }

    func errorMessage(_ response: TestResponse) throws -> String {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: String])
        return try #require(object["error"])
    }

    /// The span the senders' CLIENT span became (v1 names arrive lower-cased).
    func clientSpan(_ spans: [ZipkinSpan]) throws -> ZipkinSpan {
        try #require(spans.first { $0.name?.lowercased() == "get /reviews/0" })
    }

    // MARK: OTLP

    @Test("OTLP protobuf from the Python SDK: 200 with an empty ExportTraceServiceResponse, the span readable as Zipkin")
    func otlpProtobuf() async throws {
        let body = try Self.fixture("otel-python-1.45-otlp-client-span.pb")
        let request = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest(serializedBytes: body)
        let traceID = request.resourceSpans[0].scopeSpans[0].spans[0].traceID.map { String(format: "%02x", $0) }.joined()
        try await withCollector { client, store in
            let response = try await post(client, "/v1/traces", body, contentType: "application/x-protobuf")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/x-protobuf")
            let answer = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse(serializedBytes: Array(response.body.readableBytesView))
            #expect(!answer.hasPartialSuccess)
            #expect(await store.stats().spans == 1)
            let span = try clientSpan(try await trace(client, traceID))
            #expect(span.localServiceName == "interop-otlp-proto")
            #expect(span.kind == .client)
            #expect(span.parentID != nil)
            #expect(span.remoteServiceName == "reviews")
            #expect(span.tags["otel.status_code"] == "ERROR")
            #expect(span.tags["error"] == "upstream reset")
            #expect(span.tags["retry.delays"] == "[10,20]")
            #expect(span.tags["deployment.environment"] == "ci")
            #expect(span.tags["otel.scope.name"] == "tracelab.interop")
            #expect(span.annotations.map(\.value) == [#"{"retry": {"attempt": 2}}"#])
        }
    }

    @Test("OTLP protobuf gzip-compressed, as the exporter's Compression.Gzip sends it")
    func otlpProtobufGzip() async throws {
        let body = try Self.fixture("otel-python-1.45-otlp-server-span.pb.gz")
        try await withCollector { client, store in
            let response = try await post(client, "/v1/traces", body, contentType: "application/x-protobuf", encoding: "gzip")
            #expect(response.status == .ok)
            let spans = await store.stats().spans
            #expect(spans == 1)
        }
    }

    @Test("OTLP deflate-compressed: zlib, as the exporters' Compression.Deflate sends it, or raw deflate")
    func otlpDeflate() async throws {
        let bytes = try Self.fixture("otel-python-0.66b1-otlp-json-client-span.json")
        var zlibBody = ByteBuffer(bytes: bytes), rawBody = ByteBuffer(bytes: bytes)
        let zlib = try zlibBody.compress(with: .zlib())
        let raw = try rawBody.compress(with: .deflate())
        try await withCollector { client, store in
            for compressed in [zlib, raw] {
                let response = try await post(client, "/v1/traces", Array(compressed.readableBytesView), contentType: "application/json", encoding: "deflate")
                #expect(response.status == .ok)
            }
            #expect(await store.stats().spans == 1)
        }
    }

    @Test("OTLP/JSON from the Python JSON exporter: hex ids, answered in JSON")
    func otlpJSON() async throws {
        let body = try Self.fixture("otel-python-0.66b1-otlp-json-client-span.json")
        try await withCollector { client, _ in
            let response = try await post(client, "/v1/traces", body, contentType: "application/json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(String(buffer: response.body) == "{}")
            let span = try clientSpan(try await trace(client, "0f7689eaf91f71e1dbf07153a796c151"))
            #expect(span.id.hex == "f834218d2504d9ff")
            #expect(span.parentID?.hex == "9a3f0fa207548b79")
            #expect(span.localServiceName == "interop-otlp-json")
            #expect(span.kind == .client)
            #expect(span.remoteServiceName == "reviews")
            #expect(span.tags["http.response.status_code"] == "503")
        }
    }

    @Test("OTLP with some bad spans: 200, the good ones stored, a partial success naming the first bad one")
    func otlpPartialSuccess() async throws {
        var bad = TestSpans.otlpSpan(name: "bad")
        bad.spanID = Data([1, 2, 3])
        let request = TestSpans.otlpRequest([TestSpans.otlpSpan(name: "good"), bad])
        try await withCollector { client, store in
            let response = try await post(client, "/v1/traces", try request.serializedBytes(), contentType: "application/x-protobuf")
            #expect(response.status == .ok)
            let answer = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse(serializedBytes: Array(response.body.readableBytesView))
            #expect(answer.partialSuccess.rejectedSpans == 1)
            #expect(answer.partialSuccess.errorMessage.contains("spanId must be 8 bytes, got 3"))
            #expect(await store.stats().spans == 1)

            let json = try await post(client, "/v1/traces", try request.jsonUTF8Bytes(), contentType: "application/json")
            #expect(json.status == .ok)
            #expect(String(buffer: json.body).contains(#""rejectedSpans":"1""#))
        }
    }

    @Test("OTLP errors: 400 with a google.rpc.Status in the request's encoding; 415 for other types; still serving")
    func otlpErrors() async throws {
        try await withCollector { client, store in
            let truncated = try await post(client, "/v1/traces", [0x0A, 0x10, 0x0A], contentType: "application/x-protobuf")
            #expect(truncated.status == .badRequest)
            #expect(truncated.headers[.contentType] == "application/x-protobuf")
            let status = Array(truncated.body.readableBytesView)
            #expect(status.starts(with: [0x08, 0x03, 0x12]), "code INVALID_ARGUMENT, then the message")
            #expect(String(decoding: status, as: UTF8.self).contains("ends inside a field"))

            let badJSON = try await post(client, "/v1/traces", Array(#"{"resourceSpans":"#.utf8), contentType: "application/json")
            #expect(badJSON.status == .badRequest)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(badJSON.body.readableBytesView)) as? [String: Any])
            #expect(object["code"] as? Int == 3)
            #expect((object["message"] as? String)?.contains("invalid OTLP JSON body") == true)

            let text = try await post(client, "/v1/traces", Array("hello".utf8), contentType: "text/plain")
            #expect(text.status == .unsupportedMediaType)

            let fakeGzip = try await post(client, "/v1/traces", [0x0A], contentType: "application/x-protobuf", encoding: "gzip")
            #expect(fakeGzip.status == .badRequest)
            let gzipped = try Self.fixture("otel-python-1.45-otlp-server-span.pb.gz")
            let cutGzip = try await post(client, "/v1/traces", Array(gzipped.prefix(gzipped.count / 2)), contentType: "application/x-protobuf", encoding: "gzip")
            #expect(cutGzip.status == .badRequest, "a gzip stream cut short")

            let good = try await post(client, "/v1/traces", try Self.fixture("otel-python-1.45-otlp-client-span.pb"), contentType: "application/x-protobuf")
            #expect(good.status == .ok)
            #expect(await store.stats().spans == 1)
        }
    }

    @Test("OTLP over the body limit is a 413, compressed or inflated")
    func otlpTooLarge() async throws {
        let body = try Self.fixture("otel-python-1.45-otlp-client-span.pb")
        try await withCollector(maxBodyBytes: 100) { client, _ in
            let response = try await post(client, "/v1/traces", body, contentType: "application/x-protobuf")
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test("OTLP without a Content-Type is read by its first byte")
    func otlpSniffed() async throws {
        try await withCollector { client, store in
            let proto = try await post(client, "/v1/traces", try Self.fixture("otel-python-1.45-otlp-client-span.pb"), contentType: nil)
            #expect(proto.status == .ok)
            let json = try await post(client, "/v1/traces", try Self.fixture("otel-python-0.66b1-otlp-json-client-span.json"), contentType: nil)
            #expect(json.status == .ok)
            #expect(await store.stats().spans == 2)
        }
    }

    // MARK: Zipkin proto3

    /// The OpenTelemetry Python Zipkin exporter writes no remote endpoint, only the
    /// `peer.service` tag; py_zipkin writes the endpoint.
    @Test("Zipkin proto3 from the OpenTelemetry exporter and from py_zipkin: 202, spans readable", arguments: [
        ("otel-python-1.45-zipkin-proto3-client-span.pb", "interop-zipkin-proto", 1, true),
        ("py_zipkin-1.2.8-proto3-spans.pb", "interop-pyzipkin-proto3", 2, false),
    ])
    func zipkinProto3(file: String, service: String, count: Int, peerAsTag: Bool) async throws {
        let body = try Self.fixture(file)
        let first = try #require(try ZipkinProto3Decoder().decode(body).first)
        try await withCollector { client, store in
            let response = try await post(client, "/api/v2/spans", body, contentType: "application/x-protobuf")
            #expect(response.status == .accepted)
            #expect(await store.stats().spans == count)
            let span = try clientSpan(try await trace(client, first.traceID.hex))
            #expect(span.localServiceName == service)
            #expect(span.kind == .client)
            #expect(span.parentID != nil)
            if peerAsTag {
                #expect(span.tags["peer.service"] == "reviews")
            } else {
                #expect(span.remoteServiceName == "reviews")
            }
        }
    }

    @Test("Zipkin proto3 gzip-compressed")
    func zipkinProto3Gzip() async throws {
        var body = ByteBuffer(bytes: try Self.fixture("py_zipkin-1.2.8-proto3-spans.pb"))
        let compressed = try body.compress(with: .gzip())
        try await withCollector { client, store in
            let response = try await post(client, "/api/v2/spans", Array(compressed.readableBytesView), contentType: "application/x-protobuf", encoding: "gzip")
            #expect(response.status == .accepted)
            #expect(await store.stats().spans == 2)
        }
    }

    @Test("bad proto3 bodies are 400s naming the problem; the collector keeps serving", arguments: [
        ([0x0A, 0x10, 0x0A] as [UInt8], "ends inside a field"),
        ([0x08, 0x01], "wrong wire type"),
        ([0x0A, 0x04, 0x0A, 0x02, 0x01, 0x02], "trace_id must be 8 or 16 bytes, got 2"),
    ])
    func zipkinProto3Errors(body: [UInt8], message: String) async throws {
        try await withCollector { client, store in
            let response = try await post(client, "/api/v2/spans", body, contentType: "application/x-protobuf")
            #expect(response.status == .badRequest)
            #expect(try errorMessage(response).contains(message))
            let good = try await post(client, "/api/v2/spans", try Self.fixture("py_zipkin-1.2.8-proto3-spans.pb"), contentType: "application/x-protobuf")
            #expect(good.status == .accepted)
            #expect(await store.stats().spans == 2)
        }
    }

    @Test("Thrift is still a 415 that says what to send")
    func thrift() async throws {
        try await withCollector { client, _ in
            let v2 = try await post(client, "/api/v2/spans", [0x0C], contentType: "application/x-thrift")
            #expect(v2.status == .unsupportedMediaType)
            let v1 = try await post(client, "/api/v1/spans", [0x0C], contentType: "application/x-thrift")
            #expect(v1.status == .unsupportedMediaType)
            #expect(try errorMessage(v1).contains("v1 JSON"))
        }
    }

    // MARK: Zipkin v1 JSON

    @Test("py_zipkin v1 JSON: the client span with its remote address, the server span shared")
    func pyZipkinV1() async throws {
        let body = try Self.fixture("py_zipkin-1.2.8-v1-spans.json")
        try await withCollector { client, _ in
            let response = try await post(client, "/api/v1/spans", body, contentType: "application/json")
            #expect(response.status == .accepted)
            let spans = try await trace(client, "615aa33f5f1579dcc68242737de5e7ed")
            #expect(spans.count == 2)
            let span = try clientSpan(spans)
            #expect(span.kind == .client)
            #expect(span.localServiceName == "interop-pyzipkin-v1")
            #expect(span.remoteEndpoint == ZipkinEndpoint(serviceName: "reviews", ipv4: "127.0.0.2", port: 9081))
            #expect(span.tags["http.status_code"] == "200")
            #expect(span.annotations.map(\.value) == ["retry"])
            #expect(span.name == "get /reviews/0", "v1 names are lower-cased, as zipkin2 does")
            let server = try #require(spans.first { $0.kind == .server })
            #expect(span.parentID == server.id)
            #expect(server.shared, "py_zipkin sends no timestamp for a server span: v1's sign of a shared span")
        }
    }

    @Test("the OpenTelemetry Zipkin exporter's v1 mode: tags from binary annotations, events as annotations")
    func otelV1() async throws {
        let body = try Self.fixture("otel-python-1.45-zipkin-v1-client-span.json")
        try await withCollector { client, store in
            let response = try await post(client, "/api/v1/spans", body, contentType: "application/json")
            #expect(response.status == .accepted)
            #expect(await store.stats().spans == 1)
            let span = try clientSpan(try await trace(client, "a25c5f96b2ceab11d087ae9d824fe323"))
            #expect(span.localServiceName == "interop-zipkin-json-v1")
            #expect(span.tags["peer.service"] == "reviews")
            #expect(span.annotations.map(\.value) == [#"{"retry": {"attempt": 2}}"#])
        }
    }

    @Test("bad v1 bodies are 400s naming the span and field; v1 proto is a 415")
    func zipkinV1Errors() async throws {
        try await withCollector { client, _ in
            let noID = try await post(client, "/api/v1/spans", Array(#"[{"traceId":"1"}]"#.utf8), contentType: "application/json")
            #expect(noID.status == .badRequest)
            #expect(try errorMessage(noID) == "invalid Zipkin v1 JSON body: span has no id (at span 0)")
            let notJSON = try await post(client, "/api/v1/spans", Array("[{".utf8), contentType: nil)
            #expect(notJSON.status == .badRequest)
            let proto = try await post(client, "/api/v1/spans", [0x0A], contentType: "application/x-protobuf")
            #expect(proto.status == .unsupportedMediaType)
            #expect(try errorMessage(proto).contains("/api/v2/spans"))
        }
    }
}

/// OTLP requests made in the test, for what no real client sends on purpose (bad ids).
enum TestSpans {
    static func otlpSpan(name: String) -> Opentelemetry_Proto_Trace_V1_Span {
        var span = Opentelemetry_Proto_Trace_V1_Span()
        span.traceID = Data((1...16).map { UInt8($0) })
        span.spanID = Data((1...8).map { UInt8($0 * 3) })
        span.name = name
        span.kind = .server
        span.startTimeUnixNano = 1_767_225_600_000_000_000
        span.endTimeUnixNano = 1_767_225_600_001_000_000
        return span
    }

    static func otlpRequest(_ spans: [Opentelemetry_Proto_Trace_V1_Span]) -> Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest {
        var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        scopeSpans.spans = spans
        var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        resourceSpans.scopeSpans = [scopeSpans]
        var request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest()
        request.resourceSpans = [resourceSpans]
        return request
    }
}
