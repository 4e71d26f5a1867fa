import ArgumentParser
import Foundation
import Logging
import Scenario
import TraceAnalysis
import Zipkin

/// `tracelab trace ID`: one trace in the terminal, as a waterfall with the analysis' verdict.
struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Show one trace as an ASCII waterfall with its verdict (complete, broken links and why)."
    )

    @Argument(help: "The trace id (16 or 32 hex characters).")
    var id: String

    @Option(help: "Collector base URL.")
    var collector: String = "http://127.0.0.1:9411"

    @Option(help: "Read from another backend: zipkin:URL or jaeger:URL.")
    var backend: String?

    @Option(help: "Width of the waterfall in columns.")
    var width: Int = 100

    @Flag(help: "Print the verdict as JSON instead.")
    var json = false

    func run() async throws {
        let trimmed = id.trimmingCharacters(in: .whitespaces).lowercased()
        guard (trimmed.count == 16 || trimmed.count == 32), trimmed.allSatisfy(\.isHexDigit) else {
            FileHandle.standardError.write(Data("tracelab trace: '\(id)' is not a trace id; give 16 or 32 hex characters\n".utf8))
            throw ExitCode(2)
        }
        let source: any TraceBackend
        do {
            source = try TraceBackendAddress.parse(backend ?? "zipkin:\(collector)").makeBackend()
        } catch {
            FileHandle.standardError.write(Data("tracelab trace: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let spans: [ZipkinSpan]
        do {
            spans = try await source.trace(id: trimmed)
        } catch {
            FileHandle.standardError.write(Data("tracelab trace: \(error)\n".utf8))
            throw ExitCode(2)
        }
        guard !spans.isEmpty else {
            FileHandle.standardError.write(Data("tracelab trace: no trace \(trimmed) at \(backend ?? collector); it may not be flushed yet, or the collector was restarted (memory storage)\n".utf8))
            throw ExitCode(1)
        }
        let verdict = TraceAnalyzer.analyze(spans)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(verdict), as: UTF8.self))
        } else {
            print(ASCIIWaterfall.render(spans: spans, verdict: verdict, width: width), terminator: "")
            print(verdict.complete ? "Verdict: complete (\(verdict.spanCount) spans)" : "Verdict: NOT complete (\(verdict.spanCount) spans)")
            for finding in verdict.findings {
                print("  - [\(finding.severity.rawValue)] \(finding.hop.map { "\($0): " } ?? "")\(finding.cause) (\(finding.code.rawValue))")
            }
        }
        if !verdict.complete { throw ExitCode(1) }
    }
}
