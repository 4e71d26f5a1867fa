import AsyncHTTPClient
import Foundation
@testable import Lab
import LabModel
import NIOCore
import TraceContext
import Testing
import Zipkin

/// The whole lab as users run it: the real `tracelab` binary started by `LabRunner` on free
/// ports (collector, every service and its sidecar), real requests, and the traces read back
/// from the collector's Zipkin API.
@Suite("Full lab", .serialized, .enabled(if: TraceLabBinary.isAvailable, "\(TraceLabBinary.unavailableReason ?? "")"))
struct FullLabTests {
    /// Runs `body` against a lab started for it and always stops the lab (by PID) afterwards.
    static func withLab(_ selection: LabSelection, modes: [String: PropagationMode] = [:], _ body: (RunningLab) async throws -> Void) async throws {
        let lab = try await startLab(selection, modes: modes)
        do {
            try await body(lab)
        } catch {
            await lab.stop()
            throw error
        }
        await lab.stop()
    }

    static func startLab(_ selection: LabSelection, modes: [String: PropagationMode] = [:]) async throws -> RunningLab {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("tracelab-full-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // B3 only, so a hop that drops B3 cannot be rejoined through traceparent.
        let lab = LabConfiguration(selection: selection, proxyPropagation: "b3multi", propagationModes: modes)
        let running = try await LabRunner.startOnFreePorts(lab) {
            LabRunnerConfiguration(lab: $0, executable: TraceLabBinary.path, directory: directory, healthTimeout: .seconds(90))
        }
        return try #require(running)
    }

    struct SentTrace {
        var traceID: String
        var spanID: String
        var requestID: String
        var body: String
    }

    /// Sends one request with a fresh sampled B3 context.
    static func request(_ url: String) async throws -> SentTrace {
        var generator = SystemRandomNumberGenerator()
        let sent = SentTrace(
            traceID: TraceID.random(is128Bit: true, using: &generator).hex,
            spanID: SpanID.random(using: &generator).hex,
            requestID: RequestID.random(using: &generator).value,
            body: ""
        )
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "x-b3-traceid", value: sent.traceID)
        request.headers.add(name: "x-b3-spanid", value: sent.spanID)
        request.headers.add(name: "x-b3-sampled", value: "1")
        request.headers.add(name: "x-request-id", value: sent.requestID)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        #expect(response.status == .ok)
        let body = try await response.body.collect(upTo: 1 << 20)
        var result = sent
        result.body = String(buffer: body)
        return result
    }

    /// Polls the collector until the trace has `count` spans (bounded), then returns them.
    static func trace(_ traceID: String, spans count: Int, collector: String) async throws -> [ZipkinSpan] {
        var spans: [ZipkinSpan] = []
        for _ in 0..<200 {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(collector)/api/v2/trace/\(traceID)"), timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 4 << 20)
            if response.status == .ok {
                spans = try ZipkinJSONDecoder().decodeSpans(Array(buffer: body))
                if spans.count >= count { return spans }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return spans
    }

    /// Every hop's CLIENT span on the caller's sidecar and SERVER span on the callee's, with
    /// one root and every parent present.
    static func expectLinked(_ spans: [ZipkinSpan], hops: [(caller: String, callee: String)], entry: String, rootKind: ZipkinSpan.Kind = .server, sourceLocation: SourceLocation = #_sourceLocation) {
        let ids = Set(spans.map(\.id))
        let clientIDs = Set(spans.filter { $0.kind == .client }.map(\.id))
        // A shared SERVER span under a root CLIENT has no parent either: it is the same node.
        let roots = spans.filter { $0.parentID == nil && !($0.shared && clientIDs.contains($0.id)) }
        #expect(roots.count == 1, "one root", sourceLocation: sourceLocation)
        #expect(roots.first?.kind == rootKind && roots.first?.localServiceName == entry, sourceLocation: sourceLocation)
        for span in spans where span.parentID != nil {
            #expect(ids.contains(span.parentID!), "parent of \(span.localServiceName ?? "?") \(span.kind?.rawValue ?? "local") span is in the trace", sourceLocation: sourceLocation)
        }
        for hop in hops {
            let client = spans.first { $0.kind == .client && $0.localServiceName == hop.caller && $0.remoteServiceName == hop.callee }
            let server = spans.first { $0.kind == .server && $0.localServiceName == hop.callee }
            #expect(client != nil, "CLIENT span \(hop.caller) -> \(hop.callee)", sourceLocation: sourceLocation)
            #expect(server != nil, "SERVER span of \(hop.callee)", sourceLocation: sourceLocation)
            if let client, let server {
                // B3 shares the span id across the hop; otherwise the server is the client's child.
                #expect(server.id == client.id || server.parentID == client.id, "\(hop.caller) -> \(hop.callee) is linked", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("bookinfo on free ports: one request gives one trace with productpage, details, reviews and (v2/v3) ratings, all linked")
    func bookinfo() async throws {
        try await Self.withLab(.bookinfo) { lab in
            #expect(lab.state.processes.count == 13)
            let entry = try #require(lab.entryURL(of: .bookinfo))
            let sent = try await Self.request(entry)
            #expect(sent.body.contains("The Comedy of Errors"))
            let served = try #require(["reviews-v1", "reviews-v2", "reviews-v3"].first { sent.body.contains("<b>\($0)</b>") })
            let withRatings = served != "reviews-v1"
            let spans = try await Self.trace(sent.traceID, spans: withRatings ? 7 : 5, collector: lab.state.collectorURL)
            #expect(spans.count == (withRatings ? 7 : 5))
            var hops = [(caller: "productpage", callee: "details"), (caller: "productpage", callee: "reviews")]
            if withRatings { hops.append((caller: "reviews", callee: "ratings")) }
            Self.expectLinked(spans, hops: hops, entry: "productpage")
            let root = try #require(spans.first { $0.parentID == nil })
            #expect(root.id.hex == sent.spanID, "the entry sidecar shares the caller's B3 span id")
            #expect(spans.allSatisfy { $0.tags["guid:x-request-id"] == sent.requestID })
            #expect(spans.contains { $0.kind == .server && $0.tags["node_id"] == served })
            if withRatings {
                #expect(sent.body.contains(served == "reviews-v3" ? "stars-red" : "stars-black"))
            }
        }
    }

    @Test("bookinfo with drop-b3 in reviews: the trace breaks at reviews -> ratings, which starts a trace of its own")
    func bookinfoDropB3() async throws {
        try await Self.withLab(.bookinfo, modes: ["reviews-v1": .dropB3, "reviews-v2": .dropB3, "reviews-v3": .dropB3]) { lab in
            let entry = try #require(lab.entryURL(of: .bookinfo))
            // reviews-v1 never calls ratings; ask until v2 or v3 serves (each request 2/3 likely).
            var sent = try await Self.request(entry)
            for _ in 0..<20 where sent.body.contains("<b>reviews-v1</b>") {
                sent = try await Self.request(entry)
            }
            try #require(!sent.body.contains("<b>reviews-v1</b>"))
            let spans = try await Self.trace(sent.traceID, spans: 5, collector: lab.state.collectorURL)
            Self.expectLinked(spans, hops: [(caller: "productpage", callee: "details"), (caller: "productpage", callee: "reviews")], entry: "productpage")
            #expect(!spans.contains { $0.localServiceName == "ratings" }, "ratings' spans are not in the caller's trace")
            #expect(!spans.contains { $0.kind == .client && $0.remoteServiceName == "ratings" })

            // The ratings hop went on, as a new trace carrying the same x-request-id.
            var split: [ZipkinSpan] = []
            for _ in 0..<200 {
                let url = "\(lab.state.collectorURL)/api/v2/traces?serviceName=ratings&limit=100&lookback=600000"
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
                let body = try await response.body.collect(upTo: 4 << 20)
                let traces = try ZipkinJSONDecoder().decodeTraceList(Array(buffer: body))
                if let match = traces.first(where: { trace in trace.contains { $0.tags["guid:x-request-id"] == sent.requestID } && trace.count >= 2 }) {
                    split = match
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            try #require(split.count >= 2)
            #expect(split.first?.traceID.hex != sent.traceID)
            // The reviews sidecar saw no context, so its CLIENT span is the new trace's root.
            Self.expectLinked(split, hops: [(caller: "reviews", callee: "ratings")], entry: "reviews", rootKind: .client)
        }
    }

    @Test("the chain on free ports: service-a -> service-b -> service-c in one linked trace, each line in the answer")
    func chain() async throws {
        try await Self.withLab(.chain) { lab in
            let entry = try #require(lab.entryURL(of: .chain))
            let sent = try await Self.request(entry)
            let lines = sent.body.split(separator: "\n")
            #expect(lines.count == 3)
            #expect(lines.first?.hasPrefix("service-c-v1: hello") == true)
            let spans = try await Self.trace(sent.traceID, spans: 5, collector: lab.state.collectorURL)
            #expect(spans.count == 5)
            Self.expectLinked(spans, hops: [(caller: "service-a", callee: "service-b"), (caller: "service-b", callee: "service-c")], entry: "service-a")
        }
    }

    /// Runs the binary in `directory` and returns its exit status and output. Uses the lab's
    /// own launcher: a pipe would be held open by the detached lab's processes.
    static func tracelab(_ arguments: [String], in directory: String) async throws -> (status: Int32, output: String) {
        let log = (directory as NSString).appendingPathComponent("cli-\(UUID().uuidString).out")
        let script = "cd \"$1\" && shift && exec \"$@\""
        let pid = try ProcessLauncher.spawn(executable: "/bin/sh", arguments: ["-c", script, "sh", directory, TraceLabBinary.path] + arguments, logPath: log)
        for _ in 0..<12_000 {
            if case .exited(let how) = ProcessControl.status(of: pid) {
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                return (how == "exited with status 0" ? 0 : 1, output)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        await ProcessControl.terminate([pid])
        return (-1, "timed out")
    }

    @Test("tracelab up --detach, status --json and down manage the chain by PID")
    func upStatusDown() async throws {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("tracelab-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var chain = LabConfiguration(selection: .chain)
        chain.otlpGRPCPort = LabConfiguration.defaultOTLPGRPCPort
        let ports = try #require(LabRunnerConfiguration.onFreePorts(chain))
        let otlpGRPC = try #require(ports.otlpGRPCPort)
        let up = try await Self.tracelab([
            "up", "--lab", "chain", "--detach", "--base-port", String(ports.basePort),
            "--collector-port", String(ports.collectorPort), "--chain-port", String(ports.chainEntryPort),
            "--otlp-grpc-port", String(otlpGRPC), "--health-timeout", "90",
        ], in: directory)
        #expect(up.status == 0, "\(up.output)")
        #expect(up.output.contains("chain entry: http://127.0.0.1:\(ports.chainEntryPort)/"))
        let status = try await Self.tracelab(["status", "--json"], in: directory)
        let report = try JSONDecoder().decode(LabStatusReport.self, from: Data(status.output.utf8))
        #expect(status.status == 0)
        #expect(report.allUp)
        #expect(report.processes.count == 7)
        #expect(report.processes.first { $0.role == .collector }?.ports.contains(NamedPort(name: "otlp-grpc", port: otlpGRPC)) == true)
        #expect(PortProbe.accepts(host: "127.0.0.1", port: otlpGRPC), "the collector takes OTLP/gRPC on \(otlpGRPC)")
        #expect(status.output.contains("127.0.0.1:\(otlpGRPC) (gRPC)") || up.output.contains("127.0.0.1:\(otlpGRPC) (gRPC)"))
        #expect(report.totalRSSBytes > 0)
        let again = try await Self.tracelab(["up", "--lab", "chain", "--detach", "--base-port", String(ports.basePort)], in: directory)
        #expect(again.status != 0)
        #expect(again.output.contains("already running"))
        let down = try await Self.tracelab(["down"], in: directory)
        #expect(down.status == 0)
        #expect(down.output.contains("Stopped 7 processes"))
        for process in report.processes {
            #expect(!ProcessControl.isRunning(process.pid), "\(process.name) stopped")
        }
        #expect(try await Self.tracelab(["status"], in: directory).status != 0)
    }
}
