import Foundation
import TraceContext
import Zipkin

/// Measures the codecs every hop of the lab runs: trace-header extract+inject and Zipkin JSON
/// decode/encode, on one thread, next to Foundation's `JSONDecoder`/`JSONEncoder` on the same
/// bytes.
///
/// Issue 3's targets on one core: ≥ 1 M header extract+inject per second, ≥ 300 k spans
/// decoded and ≥ 500 k spans encoded per second. Run it from a release build; a debug build is
/// ten times slower and its figures mean nothing.
public struct CodecBenchmark: Sendable {
    public static let headerTarget = 1_000_000.0
    public static let decodeTarget = 300_000.0
    public static let encodeTarget = 500_000.0

    /// A Zipkin body to decode and encode.
    public struct Fixture: Sendable {
        public var name: String
        public var bytes: [UInt8]

        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }

        /// The three shared fixtures compiled into this module.
        public static let builtIn: [Fixture] = BenchFixtures.all.map { Fixture(name: $0.name, bytes: Array($0.body.utf8)) }
    }

    public var secondsPerCase: Double
    public var fixtures: [Fixture]

    public init(secondsPerCase: Double = 0.5, fixtures: [Fixture] = Fixture.builtIn) {
        self.secondsPerCase = secondsPerCase
        self.fixtures = fixtures
    }

    /// Runs every figure in turn; `progress` sees each result as soon as it is measured.
    public func run(progress: (BenchmarkResult) -> Void = { _ in }) throws(CodecBenchmarkError) -> CodecBenchmarkReport {
        let stopwatch = Stopwatch(seconds: secondsPerCase)
        var checksum: UInt64 = 0
        var results: [BenchmarkResult] = []
        func record(_ result: BenchmarkResult) {
            results.append(result)
            progress(result)
        }

        for result in HeaderCases.run(stopwatch, checksum: &checksum) { record(result) }

        let prepared = try prepareFixtures()
        var spanCounts: [String: Int] = [:]
        for fixture in prepared { spanCounts[fixture.name] = fixture.spans.count }
        let all = PreparedFixture(
            name: "all fixtures",
            bytes: prepared.flatMap(\.bytes),
            spans: prepared.flatMap(\.spans),
            codable: prepared.flatMap(\.codable)
        )
        for fixture in prepared + [all] {
            for result in ZipkinCases.run(fixture, stopwatch, checksum: &checksum) { record(result) }
        }
        for result in SpanFormatCases.run(all, stopwatch, checksum: &checksum) { record(result) }
        return CodecBenchmarkReport(secondsPerCase: secondsPerCase, fixtureSpans: spanCounts, results: results, checksum: checksum)
    }

    /// Decodes each fixture once with both decoders, so a fixture either codec refuses is an
    /// error before anything is timed.
    func prepareFixtures() throws(CodecBenchmarkError) -> [PreparedFixture] {
        var prepared: [PreparedFixture] = []
        let decoder = JSONDecoder()
        for fixture in fixtures {
            let spans: [ZipkinSpan]
            do {
                spans = try ZipkinJSONDecoder().decodeSpans(fixture.bytes)
            } catch {
                throw CodecBenchmarkError(.fixtureRejected(name: fixture.name, by: "ZipkinJSONDecoder", why: error.description))
            }
            let codable: [CodableZipkinSpan]
            do {
                codable = try decoder.decode([CodableZipkinSpan].self, from: Data(fixture.bytes))
            } catch {
                throw CodecBenchmarkError(.fixtureRejected(name: fixture.name, by: "JSONDecoder", why: "\(error)"))
            }
            guard !spans.isEmpty, spans.count == codable.count else {
                throw CodecBenchmarkError(.fixtureRejected(name: fixture.name, by: "ZipkinJSONDecoder", why: "decoded \(spans.count) spans, JSONDecoder \(codable.count)"))
            }
            prepared.append(PreparedFixture(name: fixture.name, bytes: [fixture.bytes], spans: spans, codable: codable))
        }
        if prepared.isEmpty { throw CodecBenchmarkError(.noFixtures) }
        return prepared
    }
}

/// A fixture decoded once up front: the input of the encode figures.
final class PreparedFixture: Sendable {
    let name: String
    let bytes: [[UInt8]]
    let spans: [ZipkinSpan]
    let codable: [CodableZipkinSpan]

    init(name: String, bytes: [[UInt8]], spans: [ZipkinSpan], codable: [CodableZipkinSpan]) {
        self.name = name
        self.bytes = bytes
        self.spans = spans
        self.codable = codable
    }
}

/// Why the benchmark could not run.
public struct CodecBenchmarkError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// A fixture that one of the decoders refuses (the benchmark would time an error path).
        case fixtureRejected(name: String, by: String, why: String)
        case noFixtures
    }

    public var reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .fixtureRejected(let name, let decoder, let why):
            "fixture \(name) is not a Zipkin v2 span list that \(decoder) reads (\(why)); pass files that are"
        case .noFixtures:
            "no fixtures to measure; pass a directory of Zipkin v2 JSON span lists"
        }
    }
}
