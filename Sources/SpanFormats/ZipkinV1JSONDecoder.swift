import Foundation
import TraceContext
import Zipkin

/// Reads the Zipkin v1 JSON list of spans (`POST /api/v1/spans`, what py_zipkin and older
/// Zipkin tracers send) and converts each span to v2 with `V1SpanConverter`.
///
/// Field by field as zipkin2's `V1JsonSpanReader`: `null` fields are skipped, unknown fields
/// ignored; a binary annotation is a tag when its value is a string, an address when it is
/// `true` with an endpoint under `ca`, `sa` or `ma`, and ignored otherwise (numbers, `false`).
/// A span without a usable `traceId` or `id`, or an annotation without timestamp or value,
/// rejects the body and the error names the span.
public struct ZipkinV1JSONDecoder: Sendable {
    public init() {}

    public func decode(_ bytes: [UInt8]) throws(SpanFormatError) -> [ZipkinSpan] {
        let list: [V1JSONSpan]
        do {
            list = try JSONDecoder().decode([V1JSONSpan].self, from: Data(bytes))
        } catch let error as DecodingError {
            throw SpanFormatError(.zipkinV1JSON, DecodingErrorText.describe(error))
        } catch {
            throw SpanFormatError(.zipkinV1JSON, "\(error)")
        }
        let converter = V1SpanConverter()
        var spans: [ZipkinSpan] = []
        spans.reserveCapacity(list.count)
        for (index, json) in list.enumerated() {
            spans += converter.convert(try json.span(location: "span \(index)"))
        }
        return spans
    }
}

/// The JSON shape of a v1 span; ids are checked in `span(location:)` so errors name the span.
private struct V1JSONSpan: Decodable {
    var traceId: String?
    var id: String?
    var parentId: String?
    var name: String?
    var timestamp: UInt64?
    var duration: UInt64?
    var annotations: [V1JSONAnnotation]?
    var binaryAnnotations: [V1JSONBinaryAnnotation]?
    var debug: Bool?

    func span(location: String) throws(SpanFormatError) -> V1Span {
        guard let traceId else { throw SpanFormatError(.zipkinV1JSON, "span has no traceId", at: location) }
        guard let traceID = LenientHexIDs.traceID(traceId) else {
            throw SpanFormatError(.zipkinV1JSON, "traceId '\(traceId)' is not 1 to 32 hex digits, not all zero", at: location)
        }
        guard let id else { throw SpanFormatError(.zipkinV1JSON, "span has no id", at: location) }
        guard let spanID = LenientHexIDs.spanID(id) else {
            throw SpanFormatError(.zipkinV1JSON, "id '\(id)' is not 1 to 16 hex digits, not all zero", at: location)
        }
        var parentID: SpanID?
        if let parentId, !parentId.isEmpty {
            guard let parsed = LenientHexIDs.spanID(parentId) else {
                throw SpanFormatError(.zipkinV1JSON, "parentId '\(parentId)' is not 1 to 16 hex digits", at: location)
            }
            parentID = parsed
        }
        return V1Span(
            traceID: traceID, id: spanID, parentID: parentID, name: name, timestamp: timestamp ?? 0, duration: duration ?? 0,
            annotations: (annotations ?? []).map { V1Annotation(timestamp: $0.timestamp, value: $0.value, endpoint: $0.endpoint?.endpoint) },
            binaryAnnotations: (binaryAnnotations ?? []).compactMap(\.binaryAnnotation),
            debug: debug ?? false
        )
    }
}

private struct V1JSONAnnotation: Decodable {
    var timestamp: UInt64
    var value: String
    var endpoint: V1JSONEndpoint?
}

private struct V1JSONBinaryAnnotation: Decodable {
    enum Value: Decodable {
        case string(String)
        case bool(Bool)
        /// Numbers and anything else: zipkin2 skips them.
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .string(text)
            } else if let flag = try? container.decode(Bool.self) {
                self = .bool(flag)
            } else {
                self = .other
            }
        }
    }

    var key: String
    var value: Value?
    var endpoint: V1JSONEndpoint?

    /// A tag, an address, or nil for what zipkin2 drops.
    var binaryAnnotation: V1BinaryAnnotation? {
        let endpoint = endpoint?.endpoint
        switch value {
        case .string(let text)?:
            return V1BinaryAnnotation(key: key, value: .string(text), endpoint: endpoint)
        case .bool(true)? where endpoint != nil && ["ca", "sa", "ma"].contains(key):
            return V1BinaryAnnotation(key: key, value: .address, endpoint: endpoint)
        default:
            return nil
        }
    }
}

private struct V1JSONEndpoint: Decodable {
    var serviceName: String?
    var ipv4: String?
    var ipv6: String?
    var port: Int?

    /// Nil when empty, as zipkin2 treats an empty endpoint as none. An address that is not an
    /// IP literal of its kind is left out, as zipkin2's `Endpoint.Builder.parseIp` leaves it.
    var endpoint: ZipkinEndpoint? {
        let result = ZipkinEndpoint(
            serviceName: serviceName, ipv4: ipv4.flatMap { IPAddressText.isIPv4($0) ? $0 : nil },
            ipv6: ipv6.flatMap { IPAddressText.isIPv6($0) ? $0 : nil },
            port: port.flatMap { (1...65535).contains($0) ? UInt16($0) : nil }
        )
        return result.isEmpty ? nil : result
    }
}
