import Foundation
import SwiftProtobuf

/// Reads an OTLP `ExportTraceServiceRequest` (`POST /v1/traces`) in protobuf or in OTLP/JSON
/// and maps its spans to Zipkin spans with `OTLPSpanMapper`.
///
/// Protobuf is read off the wire by `OTLPProtobufReader`; `decodeProtobufMessage` reads it
/// through SwiftProtobuf's generated message instead, the oracle the tests compare it with.
///
/// OTLP/JSON is proto3's JSON mapping with one difference: trace and span ids are hex, not
/// base64. SwiftProtobuf reads the rest; the ids come out of its base64 decoding as bytes that
/// `OTLPJSONIDs` turns back into the hex text they were and parses. Unknown fields are
/// ignored, as the OTLP specification requires of receivers.
public struct OTLPTraceDecoder: Sendable {
    public init() {}

    public func decodeProtobuf(_ bytes: [UInt8]) throws(SpanFormatError) -> OTLPExport {
        let read: (request: OTLPRequestInput, misplacedList: ProtobufWireReader.WireType?)
        do throws(ProtobufWireReader.Problem) {
            read = try OTLPProtobufReader.request(bytes)
        } catch {
            throw SpanFormatError(.otlpProtobuf, ProtobufErrorText.describe(error, message: "ExportTraceServiceRequest"))
        }
        if let wireType = read.misplacedList {
            throw Self.misplacedList(wireType: UInt64(wireType.rawValue))
        }
        return OTLPSpanMapper(format: .otlpProtobuf).map(read.request)
    }

    /// `decodeProtobuf` done by SwiftProtobuf's generated message: the oracle the wire reader
    /// is checked against (unit tests and the fuzz property), same spans and same refusals.
    public func decodeProtobufMessage(_ bytes: [UInt8]) throws(SpanFormatError) -> OTLPExport {
        let request: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
        do {
            request = try .init(serializedBytes: bytes)
        } catch {
            throw SpanFormatError(.otlpProtobuf, ProtobufErrorText.describe(error, message: "ExportTraceServiceRequest"))
        }
        if let wireType = TopLevelWireCheck.wireType(ofField: 1, in: request.unknownFields.data) {
            throw Self.misplacedList(wireType: wireType)
        }
        return OTLPSpanMapper(format: .otlpProtobuf).map(OTLPRequestInput(request))
    }

    private static func misplacedList(wireType: UInt64) -> SpanFormatError {
        SpanFormatError(.otlpProtobuf, "not an ExportTraceServiceRequest: field 1 (resource_spans) has the wrong wire type, \(TopLevelWireCheck.name(ofWireType: wireType)) instead of length-delimited (is the Content-Type right?)")
    }

    public func decodeJSON(_ bytes: [UInt8]) throws(SpanFormatError) -> OTLPExport {
        let (request, idProblems) = try parseJSON(bytes)
        return OTLPSpanMapper(format: .otlpJSON, idProblems: idProblems).map(OTLPRequestInput(request))
    }

    /// The request in an OTLP/JSON body with its ids as raw bytes, and the spans whose ids
    /// were neither hex nor base64 of the right size.
    func parseJSON(_ bytes: [UInt8]) throws(SpanFormatError) -> (
        request: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest, idProblems: [OTLPSpanPosition: String]
    ) {
        var request: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
        do {
            var options = JSONDecodingOptions()
            options.ignoreUnknownFields = true
            request = try .init(jsonUTF8Bytes: bytes, options: options)
        } catch {
            throw SpanFormatError(.otlpJSON, ProtobufErrorText.describe(error, message: "ExportTraceServiceRequest"))
        }
        var idProblems: [OTLPSpanPosition: String] = [:]
        OTLPJSONIDs.restoreHexIDs(in: &request, problems: &idProblems)
        return (request, idProblems)
    }
}
