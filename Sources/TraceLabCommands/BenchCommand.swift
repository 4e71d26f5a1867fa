import ArgumentParser
import Foundation
import TraceLabBench

/// `tracelab bench …`: the figures the issues ask for, printed by the same binary the lab runs.
/// Others add `proxy`, `collector`, `overhead` to `subcommands`.
public struct BenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure TraceLab's hot paths (run from a release build).",
        subcommands: [BenchCodecCommand.self, BenchCollectorCommand.self, BenchOverheadCommand.self, BenchSoakCommand.self, BenchProxyCommand.self]
    )

    public init() {}
}

/// `tracelab bench codec [--seconds S] [--json] [--fixtures DIR]`
public struct BenchCodecCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "codec",
        abstract: "Trace-header extract+inject and Zipkin JSON decode/encode per second on one thread, next to Foundation's JSONDecoder/JSONEncoder.",
        discussion: """
            Targets (issue 3, one core): ≥ 1,000,000 header extract+inject/s, ≥ 300,000 spans \
            decoded/s, ≥ 500,000 spans encoded/s. The Zipkin figures use the three shared fixtures \
            (real Envoy 1.40 and OpenTelemetry Python bodies) compiled into the binary, or the \
            *.json files of --fixtures.
            """
    )

    @Option(name: .long, help: "Seconds to measure each figure (0.05…60).")
    public var seconds: Double = 0.5

    @Flag(name: .long, help: "Print the report as JSON.")
    public var json = false

    @Option(name: .long, help: "A directory of Zipkin v2 JSON span lists (*.json) to measure instead of the built-in fixtures.")
    public var fixtures: String?

    public init() {}

    public func validate() throws {
        guard seconds.isFinite, (0.05...60).contains(seconds) else {
            throw ValidationError("--seconds must be between 0.05 and 60, got \(seconds)")
        }
    }

    public func run() throws {
        let files = try fixtures.map(Self.readFixtures) ?? CodecBenchmark.Fixture.builtIn
        let benchmark = CodecBenchmark(secondsPerCase: seconds, fixtures: files)
        let printer = BenchReportPrinter()
        if !json {
            print(printer.header(seconds: seconds, fixtures: files.map(\.name), isDebugBuild: _isDebugAssertConfiguration()))
        }
        let report: CodecBenchmarkReport
        do {
            report = try benchmark.run { result in
                if !json { print(printer.line(result)) }
            }
        } catch {
            throw BenchCommandError(message: error.description)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(printer.footer(report))
        }
    }

    static func readFixtures(directory: String) throws -> [CodecBenchmark.Fixture] {
        let url = URL(fileURLWithPath: directory, isDirectory: true)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw BenchCommandError(message: "cannot read --fixtures directory \(directory): \(error.localizedDescription)")
        }
        if names.isEmpty { throw BenchCommandError(message: "--fixtures directory \(directory) has no *.json files") }
        return try names.map { name in
            do {
                return CodecBenchmark.Fixture(name: name, bytes: Array(try Data(contentsOf: url.appendingPathComponent(name))))
            } catch {
                throw BenchCommandError(message: "cannot read fixture \(directory)/\(name): \(error.localizedDescription)")
            }
        }
    }
}

/// A failure while running a benchmark (not a usage error, so no usage text is printed).
struct BenchCommandError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
