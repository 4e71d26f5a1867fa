/// How a reporter encodes span batches for `POST /api/v2/spans`: the `--zipkin-encoding` values.
///
/// JSON is what every Zipkin-compatible collector takes; proto3 is what Envoy's `HTTP_PROTO`
/// setting sends, smaller on the wire and cheaper for a
/// collector to read.
public enum ZipkinEncoding: String, Hashable, Sendable, CaseIterable, Codable {
    /// Zipkin v2 JSON (`ZipkinJSONEncoder`).
    case json
    /// `zipkin.proto3.ListOfSpans` (`ZipkinProto3Encoder`).
    case proto3

    /// The `Content-Type` a collector tells the two apart by.
    public var contentType: String {
        switch self {
        case .json: "application/json"
        case .proto3: "application/x-protobuf"
        }
    }

    /// One batch's body.
    public func encode(_ spans: [ZipkinSpan]) -> [UInt8] {
        switch self {
        case .json: ZipkinJSONEncoder().encode(spans)
        case .proto3: ZipkinProto3Encoder().encode(spans)
        }
    }

    /// Reads a flag value; the error names the value and the choices.
    public init(parsing text: String) throws(ZipkinEncodingError) {
        guard let encoding = ZipkinEncoding(rawValue: text.lowercased()) else { throw ZipkinEncodingError(value: text) }
        self = encoding
    }
}

/// A `--zipkin-encoding` value that is neither `json` nor `proto3`.
public struct ZipkinEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var value: String

    public var description: String {
        "unknown span encoding '\(value)': use json (Zipkin v2 JSON) or proto3 (zipkin.proto3.ListOfSpans, as Envoy's HTTP_PROTO sends)"
    }
}
