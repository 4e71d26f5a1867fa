import Foundation

/// Recovers OTLP/JSON's hex ids from what a proto3 JSON reader made of them.
///
/// A proto3 JSON reader takes a `bytes` field as base64. Hex digits are all base64 characters,
/// and 32 or 16 of them decode without padding to exactly 24 or 12 bytes, which encode back to
/// the same text: nothing is lost, so the hex can be read from the re-encoded bytes. Ids that
/// decode to 16 or 8 bytes came as base64 (proto3 JSON proper, which some exporters send) and
/// are kept as they are.
enum OTLPJSONIDs {
    /// Rewrites every span's `traceId`, `spanId` and `parentSpanId` to raw bytes; spans whose
    /// ids are neither form are recorded in `problems` by their (resource, scope, span) index.
    static func restoreHexIDs(
        in request: inout Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest, problems: inout [OTLPSpanPosition: String]
    ) {
        for r in request.resourceSpans.indices {
            for s in request.resourceSpans[r].scopeSpans.indices {
                for p in request.resourceSpans[r].scopeSpans[s].spans.indices {
                    var span = request.resourceSpans[r].scopeSpans[s].spans[p]
                    do throws(Problem) {
                        span.traceID = try restore(span.traceID, bytes: 16, field: "traceId")
                        span.spanID = try restore(span.spanID, bytes: 8, field: "spanId")
                        span.parentSpanID = try restore(span.parentSpanID, bytes: 8, field: "parentSpanId")
                    } catch {
                        problems[OTLPSpanPosition(resource: r, scope: s, span: p)] = error.message
                    }
                    request.resourceSpans[r].scopeSpans[s].spans[p] = span
                }
            }
        }
    }

    struct Problem: Error {
        var message: String
    }

    /// The id's raw bytes from what the JSON reader decoded.
    static func restore(_ decoded: Data, bytes: Int, field: String) throws(Problem) -> Data {
        switch decoded.count {
        case 0, bytes:
            return decoded
        case bytes * 2 * 3 / 4:
            let hex = decoded.base64EncodedString()
            var raw = Data(capacity: bytes)
            var high: UInt8?
            for character in hex.utf8 {
                guard let digit = hexDigit(character) else {
                    throw Problem(message: "\(field) '\(hex)' is not \(bytes * 2) hex digits")
                }
                if let first = high {
                    raw.append(first << 4 | digit)
                    high = nil
                } else {
                    high = digit
                }
            }
            return raw
        default:
            throw Problem(message: "\(field) must be \(bytes * 2) hex digits")
        }
    }

    private static func hexDigit(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
