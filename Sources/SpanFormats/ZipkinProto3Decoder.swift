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
///
/// Read field by field with `ProtobufWireReader` (zipkin.proto, fields by number below), with
/// SwiftProtobuf's rules: a known field sent with another wire type is skipped as unknown, a
/// repeated embedded message merges, the last scalar wins. `ZipkinProto3MessageDecoder`, the
/// same reading through SwiftProtobuf's generated message, is the oracle tests and fuzzing
/// compare it with.
public struct ZipkinProto3Decoder: Sendable {
    public init() {}

    public func decode(_ bytes: [UInt8]) throws(SpanFormatError) -> [ZipkinSpan] {
        var reader = ProtobufWireReader(bytes)
        var read: [ZipkinProto3SpanFields] = []
        // The list field sent with another wire type (kept as unknown by a protobuf parser).
        var misplacedList: ProtobufWireReader.WireType?
        do throws(ProtobufWireReader.Problem) {
            while let tag = try reader.nextTag() {
                if tag.field == 1, tag.wireType == .lengthDelimited {
                    var fields = ZipkinProto3SpanFields()
                    try fields.read(try reader.message())
                    read.append(fields)
                } else {
                    if tag.field == 1, misplacedList == nil { misplacedList = tag.wireType }
                    try reader.skip(tag)
                }
            }
        } catch {
            throw SpanFormatError(.zipkinProto3, ProtobufErrorText.describe(error, message: "zipkin.proto3.ListOfSpans"))
        }
        if let misplacedList {
            throw SpanFormatError(.zipkinProto3, "not a zipkin.proto3.ListOfSpans: field 1 (spans) has the wrong wire type, \(TopLevelWireCheck.name(ofWireType: UInt64(misplacedList.rawValue))) instead of length-delimited (is the Content-Type right?)")
        }
        var spans: [ZipkinSpan] = []
        spans.reserveCapacity(read.count)
        for (index, fields) in read.enumerated() {
            spans.append(try fields.zipkinSpan(index: index))
        }
        return spans
    }
}
