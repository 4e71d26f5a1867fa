import Foundation
import SwiftProtobuf

/// The message behind a protobuf-based body, encoded again by SwiftProtobuf, for the fuzz
/// properties (`FuzzProperties`): a decoder must read the message, not the bytes it happened to
/// come in, so the re-encoded body has to decode to the same spans. `package` access: the
/// generated types stay internal and nothing outside TraceLab sees this.
package enum ProtobufReencoding {
    /// A `zipkin.proto3.ListOfSpans` serialised again, and how many spans it holds; nil when
    /// `bytes` is not one.
    package static func zipkinProto3(_ bytes: [UInt8]) -> (reencoded: [UInt8], spanCount: Int)? {
        guard let list = try? Zipkin_Proto3_ListOfSpans(serializedBytes: bytes),
              let reencoded: [UInt8] = try? list.serializedBytes() else { return nil }
        return (reencoded, list.spans.count)
    }

    /// An `ExportTraceServiceRequest` in protobuf serialised again, and how many spans it holds;
    /// nil when `bytes` is not one.
    package static func otlpProtobuf(_ bytes: [UInt8]) -> (reencoded: [UInt8], spanCount: Int)? {
        guard let request = try? Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest(serializedBytes: bytes),
              let reencoded: [UInt8] = try? request.serializedBytes() else { return nil }
        return (reencoded, spanCount(request))
    }

    /// An OTLP/JSON body read as `OTLPTraceDecoder.decodeJSON` reads it (hex ids restored), then
    /// written as protobuf and in proto3's own JSON mapping (base64 ids), and how many spans it
    /// holds; nil when the decoder does not read it.
    package static func otlpJSON(_ bytes: [UInt8]) -> (protobuf: [UInt8], proto3JSON: [UInt8], spanCount: Int)? {
        guard let (request, _) = try? OTLPTraceDecoder().parseJSON(bytes),
              let protobuf: [UInt8] = try? request.serializedBytes(),
              let json: [UInt8] = try? request.jsonUTF8Bytes() else { return nil }
        return (protobuf, json, spanCount(request))
    }

    private static func spanCount(_ request: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest) -> Int {
        request.resourceSpans.reduce(0) { total, resource in
            resource.scopeSpans.reduce(total) { $0 + $1.spans.count }
        }
    }
}
