import Foundation
import SwiftProtobuf
import TraceContext
import Zipkin

/// Reads `zipkin.proto3.ListOfSpans` (what Envoy's `HTTP_PROTO`, the OpenTelemetry Zipkin
/// proto exporter and py_zipkin's `V2_PROTO3` send) into `ZipkinSpan`s, normalised as
/// zipkin2's `Span.Builder` normalises them: a 16-byte trace id with a zero high half is 64-bit,
/// a parent equal to the span's own id is dropped, `shared` is dropped from CLIENT spans, tags
/// are ordered by key.
///
/// A body that is not protobuf, or a span with an id of the wrong size, rejects the whole body,
/// as openzipkin's collector does: a sender with a broken encoder hears about it at once.
public struct ZipkinProto3Decoder: Sendable {
    public init() {}

    public func decode(_ bytes: [UInt8]) throws(SpanFormatError) -> [ZipkinSpan] {
        let list: Zipkin_Proto3_ListOfSpans
        do {
            list = try Zipkin_Proto3_ListOfSpans(serializedBytes: bytes)
        } catch {
            throw SpanFormatError(.zipkinProto3, ProtobufErrorText.describe(error, message: "zipkin.proto3.ListOfSpans"))
        }
        if let wireType = TopLevelWireCheck.wireType(ofField: 1, in: list.unknownFields.data) {
            throw SpanFormatError(.zipkinProto3, "not a zipkin.proto3.ListOfSpans: field 1 (spans) has the wrong wire type, \(TopLevelWireCheck.name(ofWireType: wireType)) instead of length-delimited (is the Content-Type right?)")
        }
        var spans: [ZipkinSpan] = []
        spans.reserveCapacity(list.spans.count)
        for (index, span) in list.spans.enumerated() {
            spans.append(try convert(span, location: "span \(index)"))
        }
        return spans
    }

    private func convert(_ span: Zipkin_Proto3_Span, location: String) throws(SpanFormatError) -> ZipkinSpan {
        func fail(_ problem: BinaryIDs.Problem, _ field: String, _ expected: String) -> SpanFormatError {
            SpanFormatError(.zipkinProto3, problem.describe(field, expected: expected), at: location)
        }
        let traceID: TraceID, id: SpanID, parentID: SpanID?
        do throws(BinaryIDs.Problem) { traceID = try BinaryIDs.traceID(span.traceID, keepWidth: false) } catch { throw fail(error, "trace_id", "8 or 16") }
        do throws(BinaryIDs.Problem) { id = try BinaryIDs.spanID(span.id) } catch { throw fail(error, "id", "8") }
        do throws(BinaryIDs.Problem) { parentID = try BinaryIDs.parentID(span.parentID) } catch { throw fail(error, "parent_id", "8 (or absent)") }
        let kind: ZipkinSpan.Kind?
        switch span.kind {
        case .client: kind = .client
        case .server: kind = .server
        case .producer: kind = .producer
        case .consumer: kind = .consumer
        case .spanKindUnspecified, .UNRECOGNIZED: kind = nil
        }
        return ZipkinSpan(
            traceID: traceID, id: id, parentID: parentID == id ? nil : parentID, name: span.name, kind: kind,
            timestamp: span.timestamp, duration: span.duration,
            localEndpoint: span.hasLocalEndpoint ? endpoint(span.localEndpoint) : nil,
            remoteEndpoint: span.hasRemoteEndpoint ? endpoint(span.remoteEndpoint) : nil,
            annotations: span.annotations.map { ZipkinAnnotation(timestamp: $0.timestamp, value: $0.value) }
                .sorted { ($0.timestamp, $0.value) < ($1.timestamp, $1.value) },
            tags: ZipkinTags(span.tags),
            debug: span.debug, shared: span.shared && kind != .client
        )
    }

    /// Nil when nothing is set, as zipkin2 drops empty endpoints. Addresses of the wrong size
    /// are dropped rather than failing the span, as zipkin2's proto3 reader does.
    private func endpoint(_ endpoint: Zipkin_Proto3_Endpoint) -> ZipkinEndpoint? {
        let result = ZipkinEndpoint(
            serviceName: endpoint.serviceName,
            ipv4: IPAddressText.ipv4(Array(endpoint.ipv4)),
            ipv6: IPAddressText.ipv6(Array(endpoint.ipv6)),
            port: (1...65535).contains(endpoint.port) ? UInt16(endpoint.port) : nil
        )
        return result.isEmpty ? nil : result
    }
}
