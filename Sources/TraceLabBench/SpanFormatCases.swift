import SpanFormats
import Zipkin

/// The binary ingest formats' decoders on the same spans as the JSON figures (issue 23): Zipkin
/// proto3 and OTLP protobuf (read and mapped to Zipkin spans) read off the wire, each beside
/// SwiftProtobuf's generated message on the same bytes, and Zipkin JSON decoding of the same
/// spans as the yardstick.
/// The collector's ingest pays these per span before it stores anything.
enum SpanFormatCases {
    static func run(_ fixture: PreparedFixture, _ stopwatch: Stopwatch, checksum: inout UInt64) -> [BenchmarkResult] {
        let spans = fixture.spans
        let label = "\(fixture.name), \(spans.count) spans"
        let proto3 = ZipkinProto3Encoder().encode(spans)
        let otlp = OTLPExportEncoder().encode(spans)
        let json = ZipkinJSONEncoder().encode(spans)

        let jsonDecoder = ZipkinJSONDecoder()
        let jsonDecode = stopwatch.measure("zipkin JSON decode, same spans (\(label))", unit: "span", operationsPerCall: spans.count, checksum: &checksum) {
            guard let decoded = try? jsonDecoder.decodeSpans(json) else { return 0 }
            return UInt64(decoded.count) &+ (decoded.first?.id.value ?? 0)
        }

        let proto3Decoder = ZipkinProto3Decoder()
        var proto3Decode = stopwatch.measure("zipkin proto3 decode (\(label))", unit: "span", operationsPerCall: spans.count, checksum: &checksum) {
            guard let decoded = try? proto3Decoder.decode(proto3) else { return 0 }
            return UInt64(decoded.count) &+ (decoded.first?.id.value ?? 0)
        }
        let messageDecoder = ZipkinProto3MessageDecoder()
        let messageDecode = stopwatch.measure("SwiftProtobuf proto3 decode (\(label))", unit: "span", operationsPerCall: spans.count, checksum: &checksum) {
            guard let decoded = try? messageDecoder.decode(proto3) else { return 0 }
            return UInt64(decoded.count) &+ (decoded.first?.id.value ?? 0)
        }
        proto3Decode.peer = messageDecode.name
        proto3Decode.ratioToPeer = proto3Decode.perSecond / max(messageDecode.perSecond, 1)

        let otlpDecoder = OTLPTraceDecoder()
        var otlpDecode = stopwatch.measure("OTLP protobuf decode+map (\(label))", unit: "span", operationsPerCall: spans.count, checksum: &checksum) {
            guard let export = try? otlpDecoder.decodeProtobuf(otlp) else { return 0 }
            return UInt64(export.spans.count) &+ (export.spans.first?.id.value ?? 0)
        }
        let otlpMessageDecode = stopwatch.measure("SwiftProtobuf OTLP decode+map (\(label))", unit: "span", operationsPerCall: spans.count, checksum: &checksum) {
            guard let export = try? otlpDecoder.decodeProtobufMessage(otlp) else { return 0 }
            return UInt64(export.spans.count) &+ (export.spans.first?.id.value ?? 0)
        }
        otlpDecode.peer = otlpMessageDecode.name
        otlpDecode.ratioToPeer = otlpDecode.perSecond / max(otlpMessageDecode.perSecond, 1)
        return [jsonDecode, proto3Decode, messageDecode, otlpDecode, otlpMessageDecode]
    }
}
