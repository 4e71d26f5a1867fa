import Foundation
import SwiftProtobuf

/// The bodies the OTLP/HTTP specification asks a receiver to answer with, in the encoding the
/// request came in (protobuf or JSON).
public enum OTLPResponseBody {
    /// An `ExportTraceServiceResponse`: empty when every span was stored, with
    /// `partial_success` (`rejected_spans`, `error_message`) when some were left out.
    public static func exportResponse(_ export: OTLPExport, json: Bool) -> [UInt8] {
        var response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
        if export.rejectedSpans > 0 {
            response.partialSuccess.rejectedSpans = Int64(export.rejectedSpans)
            response.partialSuccess.errorMessage = export.rejectionMessage ?? ""
        }
        // Encoding a message built here cannot fail; an empty body is still a valid response.
        if json {
            return (try? response.jsonUTF8Bytes()) ?? Array("{}".utf8)
        }
        return (try? response.serializedBytes()) ?? []
    }

    /// A `google.rpc.Status` (`code` 1, `message` 2), the body of an OTLP/HTTP 4xx or 5xx.
    /// Written by hand: two fields do not warrant generating googleapis' status.proto and
    /// `Any` with it.
    public static func status(code: Int32, message: String, json: Bool) -> [UInt8] {
        if json {
            var text = "{\"code\":\(code),\"message\":"
            AttributeText.writeString(message, into: &text)
            text += "}"
            return Array(text.utf8)
        }
        var bytes: [UInt8] = []
        if code != 0 {
            bytes.append(0x08)  // field 1, varint
            appendVarint(UInt64(UInt32(bitPattern: code)), to: &bytes)
        }
        let utf8 = Array(message.utf8)
        if !utf8.isEmpty {
            bytes.append(0x12)  // field 2, length-delimited
            appendVarint(UInt64(utf8.count), to: &bytes)
            bytes += utf8
        }
        return bytes
    }

    /// gRPC's code for a request that cannot be read (`INVALID_ARGUMENT`).
    public static let invalidArgument: Int32 = 3
    /// gRPC's code for a request over a limit (`RESOURCE_EXHAUSTED`).
    public static let resourceExhausted: Int32 = 8
    /// gRPC's code for a server-side failure (`INTERNAL`).
    public static let internalError: Int32 = 13

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
