import CompressNIO
import Hummingbird
import NIOCore

/// Reading an ingest request's body the same way for every format: Content-Length or chunked,
/// at most `maxBodyBytes` before and after inflating, optionally gzip or deflate
/// (`Content-Encoding`, as the OpenTelemetry Collector's receivers take it).
struct IngestBody {
    /// Why a body could not be read: the status to answer and what to tell the sender.
    struct Rejection: Error {
        var status: HTTPResponse.Status
        var message: String
    }

    let maxBodyBytes: Int

    func read(_ request: Request) async throws(Rejection) -> [UInt8] {
        var body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw Rejection(status: .contentTooLarge, message: "body is larger than \(maxBodyBytes) bytes: send smaller batches")
        } catch {
            throw Rejection(status: .badRequest, message: "could not read the body: \(error)")
        }
        let encoding = request.headers[.contentEncoding]?.lowercased()
        switch encoding {
        case nil, "", "identity":
            break
        case "gzip", "x-gzip", "deflate":
            let algorithm: CompressionAlgorithm = encoding == "deflate" ? Self.deflateAlgorithm(of: body) : .gzip()
            let name = encoding == "deflate" ? "deflate" : "gzip"
            // A gzip stream starts with 1f 8b; the inflater takes a short non-gzip body for an
            // unfinished stream and yields nothing, which would be read as an empty batch.
            if name == "gzip", body.readableBytesView.prefix(2).elementsEqual([0x1F, 0x8B]) == false {
                throw Rejection(status: .badRequest, message: "body is not gzip (it does not start with 1f 8b): compress it with gzip or drop Content-Encoding")
            }
            do {
                body = try body.decompress(with: algorithm, maxSize: maxBodyBytes)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw Rejection(status: .contentTooLarge, message: "\(name) body inflates beyond \(maxBodyBytes) bytes: send smaller batches")
            } catch {
                throw Rejection(status: .badRequest, message: "body is not valid \(name) (\(error)): compress it with \(name) or drop Content-Encoding")
            }
        case let other?:
            throw Rejection(status: .unsupportedMediaType, message: "Content-Encoding \(other) is not supported: use gzip, deflate or none")
        }
        return body.readableBytesView.withContiguousStorageIfAvailable { Array($0) } ?? Array(body.readableBytesView)
    }

    /// HTTP's `deflate` is the zlib format (RFC 9110, 8.4.1.2), which the OpenTelemetry
    /// exporters send; some clients send raw deflate instead. A zlib stream starts with a
    /// two-byte header whose method is 8 and whose value is a multiple of 31.
    static func deflateAlgorithm(of body: ByteBuffer) -> CompressionAlgorithm {
        let header = Array(body.readableBytesView.prefix(2))
        let isZlib = header.count == 2 && header[0] & 0x0F == 8 && (UInt16(header[0]) << 8 | UInt16(header[1])) % 31 == 0
        return isZlib ? .zlib() : .deflate()
    }
}
