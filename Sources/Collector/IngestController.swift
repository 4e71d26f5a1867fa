import CompressNIO
import Hummingbird
import Logging
import NIOCore
import SpanStore
import Zipkin

/// `POST /api/v2/spans`: accepts what real tracers send (Envoy, OpenTelemetry, Zipkin
/// libraries): a JSON array of Zipkin v2 spans, with a Content-Length or chunked, optionally
/// `Content-Encoding: gzip`.
///
/// Answers 202 once the spans are stored; 400 names the problem and byte offset of bad JSON;
/// 413 when the body (compressed or not) is over the limit; 415 for encodings and content
/// types it cannot read (protobuf, thrift). Every failure is one answer, never a crash.
struct IngestController: Sendable {
    let store: any SpanStorage
    let maxBodyBytes: Int
    let logger: Logger

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/api/v2/spans") { request, _ in
            await ingest(request)
        }
    }

    func ingest(_ request: Request) async -> Response {
        if let contentType = request.headers[.contentType]?.lowercased(),
           contentType.contains("protobuf") || contentType.contains("thrift") {
            return reject("Content-Type \(contentType) is not supported: send Zipkin v2 JSON (application/json)", status: .unsupportedMediaType)
        }
        var body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            return reject("body is larger than \(maxBodyBytes) bytes: send smaller batches", status: .contentTooLarge)
        } catch {
            return reject("could not read the body: \(error)", status: .badRequest)
        }
        switch request.headers[.contentEncoding]?.lowercased() {
        case nil, "", "identity":
            break
        case "gzip", "x-gzip":
            do {
                body = try body.decompress(with: .gzip(), maxSize: maxBodyBytes)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                return reject("gzip body inflates beyond \(maxBodyBytes) bytes: send smaller batches", status: .contentTooLarge)
            } catch {
                return reject("body is not valid gzip (\(error)): compress it with gzip or drop Content-Encoding", status: .badRequest)
            }
        case let other?:
            return reject("Content-Encoding \(other) is not supported: use gzip or none", status: .unsupportedMediaType)
        }
        let bytes = body.readableBytesView.withContiguousStorageIfAvailable { Array($0) } ?? Array(body.readableBytesView)
        let spans: [ZipkinSpan], sources: [Range<Int>]
        do {
            (spans, sources) = try ZipkinJSONDecoder().decodeSpansWithSources(bytes)
        } catch {
            return reject("invalid Zipkin v2 JSON: \(error)", status: .badRequest)
        }
        do {
            // The stores keep span JSON: they take each span's bytes as received.
            try await store.write(spans, receivedJSON: sources.map { bytes[$0] })
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
