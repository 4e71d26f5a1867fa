import AsyncHTTPClient
import Foundation
import Lab
import LabModel
import NIOCore
import PacedLoad
import TraceAnalysis
import TraceContext
import Zipkin

/// A steady load through a running lab, judged interval by interval: every request carries a
/// B3 context the run made, so each one's trace can be read back and analysed; after each
/// interval it reports the share of complete traces and each process's RSS and descriptors.
struct SoakRun {
    var lab: LabName
    var rate: Double
    var interval: Duration
    var connections: Int

    struct IntervalReport: Codable {
        var second: Int
        var requests: Int
        var failed: Int
        var complete: Int
        var processes: [ProcessSample]

        var completeness: Double { requests - failed > 0 ? Double(complete) / Double(requests - failed) : 1 }
    }

    struct ProcessSample: Codable {
        var name: String
        var rssMegabytes: Double
        var openFiles: Int
    }

    /// Sends one interval of requests and judges their traces.
    func runInterval(number: Int, on running: RunningLab, client: HTTPClient) async throws -> IntervalReport {
        guard let entry = running.entryURL(of: lab) else { throw BenchCommandError(message: "the lab has no \(lab) entry") }
        let seconds = interval / .seconds(1)
        guard let target = HTTPTarget(url: entry) else { throw BenchCommandError(message: "the lab's entry \(entry) is not a plain http://host:port URL") }
        let load = PacedHTTPLoad(target: target, rate: rate, duration: interval, connections: connections)
        // A fresh sampled B3 context per request, made before the clock starts.
        var generator = SystemRandomNumberGenerator()
        let contexts = (0..<load.total).map { _ in
            (trace: TraceID.random(is128Bit: true, using: &generator).hex, span: SpanID.random(using: &generator).hex)
        }
        let outcome = await load.run { index in
            [("x-b3-traceid", contexts[index].trace), ("x-b3-spanid", contexts[index].span), ("x-b3-sampled", "1")]
        }
        let sent = outcome.successes.map { contexts[$0.index].trace }
        let collector = running.state.collectorURL
        var complete = 0
        for traceID in sent where await Self.isComplete(traceID, lab: lab, collector: collector, client: client) {
            complete += 1
        }
        let processes = running.state.processes.map { process in
            ProcessSample(name: process.name,
                          rssMegabytes: Double(ProcFS.residentBytes(pid: process.pid) ?? 0) / 1_048_576,
                          openFiles: ProcFS.openFileDescriptors(pid: process.pid) ?? -1)
        }
        return IntervalReport(second: number * Int(seconds), requests: sent.count + outcome.failures, failed: outcome.failures,
                              complete: complete, processes: processes)
    }

    /// Polls (bounded: 5 s) until the trace has the spans its lab makes and the analysis
    /// judges it complete.
    static func isComplete(_ traceID: String, lab: LabName, collector: String, client: HTTPClient) async -> Bool {
        // The chain makes 5 sidecar spans; bookinfo 5 (reviews-v1) or 7.
        let minimum = 5
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while ContinuousClock.now < deadline {
            if let response = try? await client.execute(HTTPClientRequest(url: "\(collector)/api/v2/trace/\(traceID)"), timeout: .seconds(5)),
               response.status == .ok,
               let body = try? await response.body.collect(upTo: 4 << 20),
               let spans = try? ZipkinJSONDecoder().decodeSpans(Array(buffer: body)),
               spans.count >= minimum, TraceAnalyzer.analyze(spans).complete {
                return true
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
