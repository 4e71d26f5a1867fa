import Foundation
import Zipkin

/// The Zipkin JSON figures for one fixture: our decoder and encoder, then Foundation's on the
/// same bytes and the same spans, with the ratios.
enum ZipkinCases {
    static func run(_ fixture: PreparedFixture, _ stopwatch: Stopwatch, checksum: inout UInt64) -> [BenchmarkResult] {
        let spansPerCall = fixture.spans.count
        let bodies = fixture.bytes
        let label = "\(fixture.name), \(spansPerCall) spans"

        let zipkinDecoder = ZipkinJSONDecoder()
        var decode = stopwatch.measure("zipkin decode (\(label))", unit: "span", operationsPerCall: spansPerCall, target: CodecBenchmark.decodeTarget, checksum: &checksum) {
            var sum: UInt64 = 0
            for body in bodies {
                guard let spans = try? zipkinDecoder.decodeSpans(body) else { return 0 }
                sum &+= UInt64(spans.count) &+ (spans.first?.id.value ?? 0)
            }
            return sum
        }

        let foundationDecoder = JSONDecoder()
        let datas = bodies.map { Data($0) }
        let foundationDecode = stopwatch.measure("JSONDecoder decode (\(label))", unit: "span", operationsPerCall: spansPerCall, checksum: &checksum) {
            var sum: UInt64 = 0
            for data in datas {
                guard let spans = try? foundationDecoder.decode([CodableZipkinSpan].self, from: data) else { return 0 }
                sum &+= UInt64(spans.count) &+ UInt64(spans.first?.id.utf8.count ?? 0)
            }
            return sum
        }
        decode.peer = foundationDecode.name
        decode.ratioToPeer = decode.perSecond / max(foundationDecode.perSecond, 1)

        let zipkinEncoder = ZipkinJSONEncoder()
        let spans = fixture.spans
        var encode = stopwatch.measure("zipkin encode (\(label))", unit: "span", operationsPerCall: spansPerCall, target: CodecBenchmark.encodeTarget, checksum: &checksum) {
            UInt64(zipkinEncoder.encode(spans).count)
        }

        let foundationEncoder = JSONEncoder()
        let codable = fixture.codable
        let foundationEncode = stopwatch.measure("JSONEncoder encode (\(label))", unit: "span", operationsPerCall: spansPerCall, checksum: &checksum) {
            UInt64((try? foundationEncoder.encode(codable))?.count ?? 0)
        }
        encode.peer = foundationEncode.name
        encode.ratioToPeer = encode.perSecond / max(foundationEncode.perSecond, 1)

        return [decode, foundationDecode, encode, foundationEncode]
    }
}
