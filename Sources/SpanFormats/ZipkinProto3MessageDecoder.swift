import Foundation
import SwiftProtobuf
import TraceContext
import Zipkin

/// `ZipkinProto3Decoder`'s reading done by SwiftProtobuf's generated message: the oracle the
/// hand-written decoder is checked against (unit tests and the fuzz property), same spans and
/// same refusals. Not on the ingest path: building the message tree (a class per span, a
/// dictionary per tag map) made proto3 ingest 4× slower than JSON.
public struct ZipkinProto3MessageDecoder: Sendable {
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
        // The same conversion as the hand-written decoder's: what is compared is the reading.
        var spans: [ZipkinSpan] = []
        spans.reserveCapacity(list.spans.count)
        for (index, span) in list.spans.enumerated() {
            spans.append(try ZipkinProto3SpanFields(span).zipkinSpan(index: index))
        }
        return spans
    }
}

extension ZipkinProto3SpanFields {
    /// The fields of a generated message, as the wire reader would have left them.
    init(_ span: Zipkin_Proto3_Span) {
        self.init()
        traceID = ArraySlice(span.traceID)
        parentID = ArraySlice(span.parentID)
        id = ArraySlice(span.id)
        kind = Int32(span.kind.rawValue)
        name = span.name
        timestamp = span.timestamp
        duration = span.duration
        localEndpoint = span.hasLocalEndpoint ? ZipkinProto3EndpointFields(span.localEndpoint) : nil
        remoteEndpoint = span.hasRemoteEndpoint ? ZipkinProto3EndpointFields(span.remoteEndpoint) : nil
        annotations = span.annotations.map { ZipkinAnnotation(timestamp: $0.timestamp, value: $0.value) }
        for (key, value) in span.tags {
            let keyStart = tagBytes.count
            tagBytes.append(contentsOf: key.utf8)
            let valueStart = tagBytes.count
            tagBytes.append(contentsOf: value.utf8)
            tags.append((keyStart..<valueStart, valueStart..<tagBytes.count))
            tagKeysAreASCII = tagKeysAreASCII && key.utf8.allSatisfy { $0 < 0x80 }
        }
        debug = span.debug
        shared = span.shared
    }
}

extension ZipkinProto3EndpointFields {
    init(_ endpoint: Zipkin_Proto3_Endpoint) {
        self.init()
        serviceName = endpoint.serviceName
        ipv4 = ArraySlice(endpoint.ipv4)
        ipv6 = ArraySlice(endpoint.ipv6)
        port = endpoint.port
    }
}
