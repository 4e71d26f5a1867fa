import Foundation
import Hummingbird
import Zipkin

/// Builders for the collector's JSON answers, so every route writes the same shapes.
enum JSONResponse {
    static let contentType = "application/json; charset=utf-8"

    static func bytes(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    static func encodable(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return bytes([UInt8](try encoder.encode(value)), status: status)
        } catch {
            return self.error("could not encode the response: \(error)", status: .internalServerError)
        }
    }

    /// `{"error":"…"}`, the error shape every TraceLab server uses.
    static func error(_ message: String, status: HTTPResponse.Status) -> Response {
        let body = (try? JSONEncoder().encode(["error": message])).map { [UInt8]($0) } ?? Array("{\"error\":\"internal error\"}".utf8)
        return bytes(body, status: status)
    }

    /// A Zipkin `Trace` (an array of spans).
    static func trace(_ spans: [ZipkinSpan]) -> Response {
        bytes(ZipkinJSONEncoder().encode(spans))
    }

    /// A Zipkin `ListOfTraces` (an array of arrays of spans).
    static func traces(_ traces: [[ZipkinSpan]]) -> Response {
        let encoder = ZipkinJSONEncoder()
        var buffer: [UInt8] = [UInt8(ascii: "[")]
        for (index, trace) in traces.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            encoder.encode(trace, into: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
        return bytes(buffer)
    }
}
