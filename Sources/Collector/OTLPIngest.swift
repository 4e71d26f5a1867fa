import Hummingbird
import Logging
import SpanFormats
import SpanStore

/// `POST /v1/traces`, the OTLP/HTTP trace receiver (OTLP specification, "OTLP/HTTP"): the body
/// is an `ExportTraceServiceRequest` in protobuf (`application/x-protobuf`) or OTLP/JSON
/// (`application/json`), and every answer is in the request's encoding — 200 with an
/// `ExportTraceServiceResponse` (a partial success when spans were left out), or a 4xx/5xx
/// with a `google.rpc.Status` naming the problem, which OTLP exporters log.
struct OTLPIngest: Sendable {
    let store: any SpanStorage
    let body: IngestBody
    let logger: Logger

    func ingest(_ request: Request) async -> Response {
        let mediaType = IngestMediaType(request)
        var json: Bool
        switch mediaType {
        case .protobuf: json = false
        case .json: json = true
        case .absent: json = false  // decided from the body below
        case .thrift, .other:
            return reject("Content-Type \(request.headers[.contentType] ?? "") is not OTLP: send application/x-protobuf or application/json",
                          status: .unsupportedMediaType, json: false)
        }
        let bytes: [UInt8]
        do throws(IngestBody.Rejection) {
            bytes = try await body.read(request)
        } catch {
            return reject(error.message, status: error.status, json: json)
        }
        if mediaType == .absent {
            // Without a Content-Type: a protobuf request starts with its first field's tag,
            // 0x0A (resource_spans, field 1, length-delimited), a JSON object with "{".
            json = bytes.first != 0x0A && bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) == UInt8(ascii: "{")
        }
        let export: OTLPExport
        do throws(SpanFormatError) {
            export = json ? try OTLPTraceDecoder().decodeJSON(bytes) : try OTLPTraceDecoder().decodeProtobuf(bytes)
        } catch {
            return reject(error.description, status: .badRequest, json: json)
        }
        do {
            try await store.write(export.spans)
        } catch {
            logger.error("storing spans failed", metadata: ["error": "\(error)", "spans": "\(export.spans.count)"])
            return reject("storing spans failed: \(error)", status: .internalServerError, json: json)
        }
        if let message = export.rejectionMessage {
            logger.notice("rejected spans", metadata: ["status": "200", "rejected": "\(export.rejectedSpans)", "reason": "\(message)"])
        }
        return response(OTLPResponseBody.exportResponse(export, json: json), status: .ok, json: json)
    }

    private func reject(_ message: String, status: HTTPResponse.Status, json: Bool) -> Response {
        logger.notice("rejected spans", metadata: ["status": "\(status.code)", "reason": "\(message)"])
        let code = switch status {
        case .contentTooLarge: OTLPResponseBody.resourceExhausted
        case .internalServerError: OTLPResponseBody.internalError
        default: OTLPResponseBody.invalidArgument
        }
        return response(OTLPResponseBody.status(code: code, message: message, json: json), status: status, json: json)
    }

    private func response(_ bytes: [UInt8], status: HTTPResponse.Status, json: Bool) -> Response {
        Response(
            status: status,
            headers: [.contentType: json ? "application/json" : "application/x-protobuf"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
