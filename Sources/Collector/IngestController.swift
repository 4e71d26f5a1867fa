import Hummingbird
import Logging
import SpanFormats
import SpanStore
import Zipkin

/// Span ingest, in every format real tracers and meshes send (docs/ARCHITECTURE.md):
/// - `POST /api/v2/spans`: Zipkin v2 JSON, or `zipkin.proto3.ListOfSpans` with a protobuf
///   Content-Type (Envoy's `HTTP_PROTO`, OpenTelemetry's Zipkin proto exporter, py_zipkin);
/// - `POST /api/v1/spans`: Zipkin v1 JSON, converted to v2 as zipkin2 does;
/// - `POST /v1/traces`: OTLP/HTTP, protobuf or JSON, mapped to Zipkin spans
///   (`OTLPSpanMapper`), answered with an `ExportTraceServiceResponse`.
/// Any of them Content-Length or chunked, optionally gzip or deflate (`IngestBody`).
///
/// Zipkin paths answer 202 once the spans are stored; OTLP answers 200 (with a partial success
/// naming the spans it left out). A body that cannot be read is a 400 that names the problem
/// (and for JSON v2, the byte offset); over the limit, compressed or inflated, a 413; a 415
/// only for what no path here reads (Thrift, unknown encodings). Every failure is one
/// answer, never a crash, and the collector keeps serving.
struct IngestController: Sendable {
    let store: any SpanStorage
    let maxBodyBytes: Int
    let logger: Logger

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/api/v2/spans") { request, _ in
            await ingestZipkinV2(request)
        }
        router.post("/api/v1/spans") { request, _ in
            await ingestZipkinV1(request)
        }
        router.post("/v1/traces") { request, _ in
            await OTLPIngest(store: store, body: IngestBody(maxBodyBytes: maxBodyBytes), logger: logger).ingest(request)
        }
    }

    func ingestZipkinV2(_ request: Request) async -> Response {
        let mediaType = IngestMediaType(request)
        if mediaType == .thrift {
            return reject("Content-Type thrift is not supported: send Zipkin v2 JSON (application/json) or proto3 (application/x-protobuf)", status: .unsupportedMediaType)
        }
        let bytes: [UInt8]
        do throws(IngestBody.Rejection) {
            bytes = try await IngestBody(maxBodyBytes: maxBodyBytes).read(request)
        } catch {
            return reject(error.message, status: error.status)
        }
        if mediaType == .protobuf {
            let spans: [ZipkinSpan]
            do throws(SpanFormatError) {
                spans = try ZipkinProto3Decoder().decode(bytes)
            } catch {
                return reject(error.description, status: .badRequest)
            }
            return await store(spans)
        }
        // Zipkin reads JSON whatever else the Content-Type says; so does TraceLab.
        let spans: [ZipkinSpan], sources: [Range<Int>]
        do {
            (spans, sources) = try ZipkinJSONDecoder().decodeSpansWithSources(bytes)
        } catch {
            return reject("invalid Zipkin v2 JSON: \(error)", status: .badRequest)
        }
        // The stores keep span JSON: they take each span's bytes as received.
        return await store(spans, receivedJSON: sources.map { bytes[$0] })
    }

    func ingestZipkinV1(_ request: Request) async -> Response {
        switch IngestMediaType(request) {
        case .thrift:
            return reject("Zipkin v1 Thrift is not supported: send v1 JSON (application/json), or v2 JSON or proto3 to /api/v2/spans", status: .unsupportedMediaType)
        case .protobuf:
            return reject("Zipkin v1 has no protobuf encoding: POST zipkin.proto3 bodies to /api/v2/spans", status: .unsupportedMediaType)
        case .json, .absent, .other:
            break
        }
        let bytes: [UInt8]
        do throws(IngestBody.Rejection) {
            bytes = try await IngestBody(maxBodyBytes: maxBodyBytes).read(request)
        } catch {
            return reject(error.message, status: error.status)
        }
        let spans: [ZipkinSpan]
        do throws(SpanFormatError) {
            spans = try ZipkinV1JSONDecoder().decode(bytes)
        } catch {
            return reject(error.description, status: .badRequest)
        }
        return await store(spans)
    }

    private func store(_ spans: [ZipkinSpan], receivedJSON: [ArraySlice<UInt8>]? = nil) async -> Response {
        do {
            if let receivedJSON {
                try await store.write(spans, receivedJSON: receivedJSON)
            } else {
                try await store.write(spans)
            }
        } catch {
            logger.error("storing spans failed", metadata: ["error": "\(error)", "spans": "\(spans.count)"])
            return JSONResponse.error("storing spans failed: \(error)", status: .internalServerError)
        }
        return Response(status: .accepted)
    }

    private func reject(_ message: String, status: HTTPResponse.Status) -> Response {
        logger.notice("rejected spans", metadata: ["status": "\(status.code)", "reason": "\(message)"])
        return JSONResponse.error(message, status: status)
    }
}
