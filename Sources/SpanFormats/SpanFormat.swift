/// The span encodings the collector reads besides Zipkin v2 JSON (which `Zipkin` decodes).
public enum SpanFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `zipkin.proto3.ListOfSpans` (openzipkin/zipkin-api, zipkin.proto) on `POST /api/v2/spans`.
    case zipkinProto3 = "Zipkin v2 proto3"
    /// The Zipkin v1 JSON list of spans (annotations and binary annotations) on `POST /api/v1/spans`.
    case zipkinV1JSON = "Zipkin v1 JSON"
    /// An OTLP `ExportTraceServiceRequest` in protobuf on `POST /v1/traces`.
    case otlpProtobuf = "OTLP protobuf"
    /// An OTLP `ExportTraceServiceRequest` in OTLP/JSON (hex ids) on `POST /v1/traces`.
    case otlpJSON = "OTLP JSON"

    public var description: String { rawValue }
}
