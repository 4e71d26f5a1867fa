import AsyncHTTPClient
import Foundation
@testable import Lab
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tracelab check-propagation` against the lab's own reviews and ratings apps, with the
/// lessons' planted bugs (`--propagation`): the real binary, the real app, a real capture
/// server on 127.0.0.1, every port chosen free.
@Suite("check-propagation against the lab's apps", .serialized, .enabled(if: TraceLabBinary.isAvailable, "\(TraceLabBinary.unavailableReason ?? "")"))
struct CheckPropagationTests {
    struct Run {
        var status: Int32
        var output: String
        var report: [String: Any]?

        /// `format → verdict` from the JSON report.
        var verdicts: [String: String] {
            let list = report?["verdicts"] as? [[String: Any]] ?? []
            var result: [String: String] = [:]
            for entry in list { if let format = entry["format"] as? String { result[format] = entry["verdict"] as? String } }
            return result
        }

        /// The outcome of `header` in case `name`, on its first downstream call.
        func outcome(_ name: String, _ header: String) -> String? {
            let cases = report?["cases"] as? [[String: Any]] ?? []
            guard let found = cases.first(where: { $0["name"] as? String == name }),
                  let call = (found["calls"] as? [[String: Any]])?.first,
                  let findings = call["findings"] as? [[String: Any]] else { return nil }
            return findings.first { $0["header"] as? String == header }?["outcome"] as? String
        }
    }

    static func scratch(_ label: String) throws -> String {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("tracelab-check-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Runs `tracelab check-propagation ARGUMENTS… --report json --out FILE` and waits for it
    /// to exit (bounded).
    static func check(_ arguments: [String], json: Bool = true, in directory: String) async throws -> Run {
        let reportPath = (directory as NSString).appendingPathComponent("report-\(UUID().uuidString).json")
        let log = (directory as NSString).appendingPathComponent("check-\(UUID().uuidString).out")
        let all = ["check-propagation"] + arguments + (json ? ["--report", "json", "--out", reportPath] : [])
        let pid = try ProcessLauncher.spawn(executable: TraceLabBinary.path, arguments: all, logPath: log)
        let status = try await waitForExit(pid, timeout: .seconds(120))
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        var report: [String: Any]?
        if json, let data = FileManager.default.contents(atPath: reportPath) {
            report = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        }
        return Run(status: status, output: output, report: report)
    }

    /// The exit status of our child `pid`; -1 (and the child stopped) after `timeout`.
    static func waitForExit(_ pid: Int32, timeout: Duration) async throws -> Int32 {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if case .exited(let how) = ProcessControl.status(of: pid) {
                return how.hasPrefix("exited with status ") ? Int32(how.dropFirst("exited with status ".count)) ?? -1 : -1
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        await ProcessControl.terminate([pid])
        return -1
    }

    /// The lab's reviews v2 app as check-propagation starts it: the contract's PORT and
    /// TRACELAB_OUTBOUND become its --listen and --proxy.
    static func reviews(_ mode: String, binary: String = TraceLabBinary.path) -> String {
        "cmd:'\(binary)' service reviews --version v2 --listen 127.0.0.1:$PORT --proxy $TRACELAB_OUTBOUND --propagation \(mode) --log-level warning"
    }

    @Test("forward-all: every format propagates, every B3 header forwarded unchanged, exit 0")
    func forwardAll() async throws {
        let directory = try Self.scratch("forward-all")
        let run = try await Self.check(["--app", Self.reviews("forward-all")], in: directory)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.verdicts["b3multi"] == "propagates")
        #expect(run.verdicts["b3single"] == "propagates")
        #expect(run.verdicts["ot"] == "propagates")
        // The lab's apps forward Istio's header list, which has no W3C baggage.
        #expect(run.verdicts["w3c"] == "propagates-with-warnings")
        #expect(run.outcome("w3c/sampled", "baggage") == "dropped")
        for header in ["x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-request-id"] {
            #expect(run.outcome("b3multi/sampled-128", header) == "forwarded", "\(header)")
        }
        #expect(run.outcome("b3multi/debug", "x-b3-flags") == "forwarded")
        #expect(run.outcome("w3c/sampled", "tracestate") == "forwarded")
        let cases = run.report?["cases"] as? [[String: Any]] ?? []
        #expect(cases.count == 10)
        #expect(cases.allSatisfy { ($0["calls"] as? [[String: Any]])?.first?["callee"] as? String == "ratings" }, "reviews-v2 calls ratings")
        #expect(cases.allSatisfy { $0["appStatus"] as? Int == 200 })
    }

    @Test("drop-b3: B3 multi and single dropped, W3C and OT still propagate, exit 1")
    func dropB3() async throws {
        let directory = try Self.scratch("drop-b3")
        let run = try await Self.check(["--app", Self.reviews("drop-b3")], in: directory)
        #expect(run.status == 1, "\(run.output)")
        #expect(run.verdicts == ["b3multi": "broken", "b3single": "broken", "w3c": "propagates-with-warnings", "ot": "propagates"])
        #expect(run.outcome("b3multi/sampled-128", "x-b3-traceid") == "dropped")
        #expect(run.outcome("b3single/debug", "b3") == "dropped")
        #expect(run.outcome("w3c/sampled", "traceparent") == "forwarded")
        #expect(run.outcome("b3multi/sampled-128", "x-request-id") == "forwarded")
    }

    @Test("only-traceparent: W3C's traceparent alone gets through")
    func onlyTraceparent() async throws {
        let directory = try Self.scratch("only-traceparent")
        let run = try await Self.check(["--app", Self.reviews("only-traceparent")], in: directory)
        #expect(run.status == 1, "\(run.output)")
        #expect(run.verdicts == ["b3multi": "broken", "b3single": "broken", "w3c": "propagates-with-warnings", "ot": "broken"])
        #expect(run.outcome("w3c/sampled", "traceparent") == "forwarded")
        #expect(run.outcome("w3c/sampled", "tracestate") == "dropped")
        #expect(run.outcome("w3c/sampled", "x-request-id") == "dropped")
    }

    @Test("drop-all: every format broken; the text report has a table per header")
    func dropAll() async throws {
        let directory = try Self.scratch("drop-all")
        let run = try await Self.check(["--app", Self.reviews("drop-all"), "--formats", "b3multi,w3c"], json: false, in: directory)
        #expect(run.status == 1, "\(run.output)")
        let lines = run.output.split(separator: "\n").map(String.init)
        for header in ["x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "traceparent", "tracestate", "x-request-id"] {
            #expect(lines.contains(header), "a table for \(header)")
        }
        #expect(!lines.contains("b3"), "b3single was not asked for")
        #expect(lines.contains { $0.contains("b3multi") && $0.contains("BROKEN") })
        #expect(lines.contains { $0.contains("w3c") && $0.contains("BROKEN") })
        #expect(lines.contains("0 of 2 formats propagate"))
    }

    @Test("ratings makes no downstream call: reported as such, not as a pass")
    func noDownstreamCall() async throws {
        let directory = try Self.scratch("ratings")
        let command = "cmd:'\(TraceLabBinary.path)' service ratings --listen 127.0.0.1:$PORT --proxy $TRACELAB_OUTBOUND --log-level warning"
        let run = try await Self.check(["--app", command, "--instance", "ratings-v1"], in: directory)
        #expect(run.status == 1, "\(run.output)")
        #expect(Set(run.verdicts.values) == ["no-downstream-call"])
        #expect(run.report?["request"] as? String == "GET /ratings/0")
        let text = try await Self.check(["--app", command, "--instance", "ratings", "--formats", "w3c"], json: false, in: directory)
        #expect(text.status == 1)
        #expect(text.output.contains("no downstream call seen: the app made no call through"))
    }

    @Test("an app the user runs (HOST:PORT) with --outbound-port: the same verdicts as a started one")
    func appTheUserRuns() async throws {
        let directory = try Self.scratch("host-port")
        let ports = try #require(PortProbe.freeBlock(count: 2))
        let log = (directory as NSString).appendingPathComponent("reviews.log")
        let app = try ProcessLauncher.spawn(executable: TraceLabBinary.path, arguments: [
            "service", "reviews", "--version", "v2", "--listen", "127.0.0.1:\(ports)", "--proxy", "127.0.0.1:\(ports + 1)",
            "--propagation", "drop-b3", "--log-level", "warning",
        ], logPath: log)
        do {
            let health = await HealthChecker(httpClient: .shared).waitUntilHealthy(
                url: "http://127.0.0.1:\(ports)/health", pid: app, deadline: ContinuousClock.now.advanced(by: .seconds(60)))
            guard case .healthy = health else {
                Issue.record("reviews did not start: \(health)")
                await ProcessControl.terminate([app])
                return
            }
            let run = try await Self.check(["--app", "127.0.0.1:\(ports)", "--outbound-port", String(ports + 1)], in: directory)
            #expect(run.status == 1, "\(run.output)")
            #expect(run.verdicts == ["b3multi": "broken", "b3single": "broken", "w3c": "propagates-with-warnings", "ot": "propagates"])
            #expect(run.report?["outbound"] as? String == "127.0.0.1:\(ports + 1)")
            #expect(ProcessControl.isRunning(app), "an app the user runs is left running")
        } catch {
            await ProcessControl.terminate([app])
            throw error
        }
        await ProcessControl.terminate([app])
    }

    @Test("bad input: exit 2 naming the problem, nothing left running")
    func badInput() async throws {
        let directory = try Self.scratch("bad-input")
        let nobody = try await Self.check(["--app", "127.0.0.1:9"], json: false, in: directory)
        #expect(nobody.status == 2)
        #expect(nobody.output.contains("nothing listens on 127.0.0.1:9 (--app)"))

        let format = try await Self.check(["--app", "127.0.0.1:9", "--formats", "b3multi,zipkin"], json: false, in: directory)
        #expect(format.status == 2)
        #expect(format.output.contains("'zipkin'"))

        let instance = try await Self.check(["--app", "127.0.0.1:9", "--instance", "reviews-v9"], json: false, in: directory)
        #expect(instance.status == 2)
        #expect(instance.output.contains("reviews-v9"))

        // A command that exits at once, leaving a child behind in its process group.
        let childFile = (directory as NSString).appendingPathComponent("child.pid")
        let exits = try await Self.check(["--app", "cmd:sleep 300 & echo $! > '\(childFile)'; echo boom-from-the-app; exit 3"], json: false, in: directory)
        #expect(exits.status == 2)
        #expect(exits.output.contains("exited with status 3"))
        #expect(exits.output.contains("boom-from-the-app"), "the log's last lines are shown")
        let child = Int32((try? String(contentsOfFile: childFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        #expect(child > 0)
        #expect(!ProcessControl.isRunning(child), "what the command forked was stopped")

        let silent = try await Self.check(["--app", "cmd:echo $$ > '\(childFile)'; exec sleep 300", "--startup-seconds", "1"], json: false, in: directory)
        #expect(silent.status == 2)
        #expect(silent.output.contains("did not listen on 127.0.0.1:"))
        let sleeper = Int32((try? String(contentsOfFile: childFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        #expect(sleeper > 0 && !ProcessControl.isRunning(sleeper))
    }

    @Test("as an unprivileged user: starts the app, judges it, writes the report", .enabled(if: UnprivilegedUser.isAvailable))
    func unprivileged() async throws {
        let directory = try UnprivilegedUser.makeDirectory("check-propagation")
        let binary = try await UnprivilegedUser.binary(in: directory)
        let report = (directory as NSString).appendingPathComponent("report.json")
        let run = try await UnprivilegedUser.run([
            binary, "check-propagation", "--app", Self.reviews("drop-b3", binary: binary), "--report", "json", "--out", report,
        ], in: directory)
        #expect(run.status != 0, "a broken format exits non-zero")
        let data = try #require(FileManager.default.contents(atPath: report), "\(run.output)")
        let parsed = Run(status: run.status, output: run.output, report: try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(parsed.verdicts == ["b3multi": "broken", "b3single": "broken", "w3c": "propagates-with-warnings", "ot": "propagates"])
        #expect((parsed.report?["log"] as? String)?.hasPrefix("/") == true)
    }
}
