import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Lab
import LabModel
import Logging
import Testing
@testable import Scenario
@testable import ScenarioModel

/// Lessons against a real local lab: collector, services and sidecars as processes on
/// loopback, free ports, stopped by PID at the end.
@Suite(.serialized, .enabled(if: TraceLabExecutable.unavailableReason == nil, "needs the tracelab binary"))
struct LabScenarioIntegrationTests {
    static let course = CourseFilesTests.directory

    @Test("lessons 01 and 03 pass on a B3-only bookinfo lab; a wrong expectation fails naming the hop")
    func lessonsOnLiveLab() async throws {
        let directory = try TraceLabExecutable.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let requirements = LabRequirements(lab: .bookinfo, sidecarPropagation: "b3multi,b3single")
        let running = try await LabSession.start(requirements, directory: directory, freePorts: true,
                                                 executable: TraceLabExecutable.path, logger: Logger(label: "test"))
        let target = LabSession.target(running.state)
        let runner = ScenarioRunner(target: target, options: .init(seed: 7, wait: .init(deadline: .seconds(20)),
                                                                 progress: { ProgressReporter(style: .silent, label: $0) }))
        do {
            var happy = try ScenarioFileLoader.load(path: "\(Self.course)/01-happy-path.yaml")
            happy.setup.sidecarPropagation = requirements.sidecarPropagation
            let happyOutcome = await runner.run(happy)
            #expect(happyOutcome.error == nil, "\(happyOutcome.error ?? "")")
            #expect(happyOutcome.passed, "\(TextReportRenderer(colour: false).render(happyOutcome))")
            #expect(happyOutcome.goodTrace != nil)

            let broken = try ScenarioFileLoader.load(path: "\(Self.course)/03-reviews-forgets-b3.yaml")
            let brokenOutcome = await runner.run(broken)
            #expect(brokenOutcome.passed, "\(TextReportRenderer(colour: false).render(brokenOutcome))")

            // The same traffic with the wrong expectation must fail at the right hop.
            var wrong = broken
            wrong.name = "expects-complete"
            wrong.expect = [.complete(true)]
            let wrongOutcome = await runner.run(wrong)
            #expect(!wrongOutcome.passed)
            #expect(wrongOutcome.error == nil)
            let failure = wrongOutcome.results.first { !$0.passed }?.failures.first
            #expect(failure?.hop == "reviews-v2 -> ratings", "\(TextReportRenderer(colour: false).render(wrongOutcome))")
            #expect(wrongOutcome.failingTrace != nil)
        } catch {
            Issue.record("\(error)")
        }
        await running.stop()
    }

    @Test("the whole course on one running lab started with defaults (as in compose): sidecar formats and app spans switched at run time, then put back")
    func courseOnOneRunningLab() async throws {
        let directory = try TraceLabExecutable.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let started = try await LabRunner.startOnFreePorts(LabConfiguration(selection: .all)) {
            LabRunnerConfiguration(lab: $0, executable: TraceLabExecutable.path, directory: directory, healthTimeout: .seconds(90), detached: true)
        }
        let running = try #require(started)
        do {
            let files = try FileManager.default.contentsOfDirectory(atPath: Self.course).filter { $0.hasSuffix(".yaml") }.sorted()
            #expect(files.count == 14)
            let result = try TraceLabExecutable.run(["run"] + files.map { "\(Self.course)/\($0)" } + ["--wait-seconds", "20"], directory: directory)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("14 scenarios: 14 passed"), "\(result.output)")
            #expect(!result.output.contains("Starting a lab"), "the running lab was used")

            for process in running.state.processes {
                switch process.role {
                case .proxy:
                    let config = try await AdminProbe.json(try #require(process.adminURL) + "/config")
                    #expect(config["propagation"] as? [String] == ["b3multi", "b3single", "w3c"], "\(process.name)'s formats were put back")
                case .service:
                    let url = try #require(process.adminURL).replacingOccurrences(of: "/admin/propagation", with: "/admin/app-spans")
                    #expect(try await AdminProbe.json(url)["enabled"] as? Bool == false, "\(process.name)'s app spans were switched off again")
                default:
                    break
                }
            }
        } catch {
            Issue.record("\(error)")
        }
        await running.stop()
    }

    @Test("lesson 02 passes with the apps' spans exported as OTLP/HTTP protobuf (--app-spans-protocol otlp), joined to the sidecars' 64-bit B3 traces")
    func appSpansOverOTLP() async throws {
        let directory = try TraceLabExecutable.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = LabConfiguration(selection: .chain)
        configuration.appSpansProtocol = .otlp
        configuration.appSpans = true
        let started = try await LabRunner.startOnFreePorts(configuration) {
            LabRunnerConfiguration(lab: $0, executable: TraceLabExecutable.path, directory: directory, healthTimeout: .seconds(60), detached: true)
        }
        let running = try #require(started)
        do {
            let services = running.state.processes.filter { $0.role == .service }
            #expect(!services.isEmpty)
            for service in services {
                #expect(service.arguments.joined(separator: " ").contains("--app-spans-protocol otlp --otlp http://"), "\(service.arguments)")
            }
            let result = try TraceLabExecutable.run(["run", "\(Self.course)/02-chain-app-spans.yaml", "--wait-seconds", "20"], directory: directory)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("PASS  02-chain-app-spans"), "\(result.output)")
            #expect(!result.output.contains("Starting a lab"), "the running lab was used")

            // A client's 64-bit B3 trace: OTLP carries the apps' trace id padded to 16 bytes,
            // and the collector must file their spans under the sidecars' 64-bit id.
            let entry = try #require(running.state.entries.first { $0.lab == .chain }).url
            let traceID = "4bf92f3577b34da6"
            var request = URLRequest(url: URL(string: entry)!)
            request.timeoutInterval = 10
            for (name, value) in ["x-b3-traceid": traceID, "x-b3-spanid": "00f067aa0ba902b7", "x-b3-sampled": "1"] {
                request.setValue(value, forHTTPHeaderField: name)
            }
            let (_, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            var appSpans = 0
            var spans = 0
            let collector = running.state.collectorURL.hasSuffix("/") ? String(running.state.collectorURL.dropLast()) : running.state.collectorURL
            for _ in 0..<100 where appSpans < 5 || spans < 10 {
                try await Task.sleep(for: .milliseconds(100))
                var query = URLRequest(url: URL(string: "\(collector)/api/v2/trace/\(traceID)")!)
                query.timeoutInterval = 10
                let (data, _) = try await URLSession.shared.data(for: query)
                let trace = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] ?? []
                spans = trace.count
                appSpans = trace.filter { ($0["tags"] as? [String: String])?["component"] == "app" }.count
            }
            #expect(appSpans == 5, "handler and call spans of service-a and -b, the handler of service-c, in the sidecars' trace")
            #expect(spans == 10, "5 app spans and 5 sidecar spans")
        } catch {
            Issue.record("\(error)")
        }
        await running.stop()
    }

    @Test("tracelab run exits 1 on a failed assertion and names the hop; 2 on a malformed file or a usage error")
    func cliExitCodes() throws {
        let directory = try TraceLabExecutable.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let failing = """
        name: must-fail
        lesson: reviews-v2 drops B3 but we expect complete traces
        lab: bookinfo
        setup:
          sidecar_propagation: b3multi,b3single
          routes: {reviews: {v1: 0, v2: 100, v3: 0}}
          propagation: {reviews-v2: drop-b3}
        traffic: {requests: 6, concurrency: 2}
        expect:
          complete: true
        """
        try failing.write(toFile: "\(directory)/must-fail.yaml", atomically: true, encoding: .utf8)
        let result = try TraceLabExecutable.run(["run", "must-fail.yaml", "--free-ports", "--wait-seconds", "20"], directory: directory)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("reviews-v2 -> ratings"), "\(result.output)")
        #expect(result.output.contains("FAIL"))
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/.tracelab/lab.json"), "the run's own lab was stopped")

        try "name: bad\nlab: bookinfo\nexpect:\n  complet: true\n".write(toFile: "\(directory)/bad.yaml", atomically: true, encoding: .utf8)
        let bad = try TraceLabExecutable.run(["run", "bad.yaml"], directory: directory)
        #expect(bad.status == 2)
        #expect(bad.output.contains("bad.yaml:4:3: expect.complet: unknown key 'complet'; did you mean 'complete'?"), "\(bad.output)")

        // A usage error is "could not run" too: 2, with ArgumentParser's message.
        let usage = try TraceLabExecutable.run(["run", "bad.yaml", "--no-such-flag"], directory: directory)
        #expect(usage.status == 2, "\(usage.output)")
        #expect(usage.output.contains("--no-such-flag"), "\(usage.output)")
    }
}

/// GETs a JSON object from an admin API (bounded).
enum AdminProbe {
    static func json(_ url: String) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 10
        let (data, _) = try await URLSession.shared.data(for: request)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}
