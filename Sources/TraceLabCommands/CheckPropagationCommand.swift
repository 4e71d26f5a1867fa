import ArgumentParser
import AsyncHTTPClient
import Foundation
import Lab
import LabModel
import Logging
import NIOCore
import PropagationCheck
import Scenario
import StandardErrorLogging
import TraceContext

/// `tracelab check-propagation`: does one app forward the trace context the mesh needs?
///
/// It stands in front of the app as its sidecar would (sending requests with known contexts,
/// one format and one case at a time) and behind it as every downstream service (a capture
/// server on the app's outbound address), and judges each header of each case on each call
/// the app made while answering. Exit codes as `tracelab run`: 0 every format propagates,
/// 1 some format broken (or no downstream call seen), 2 usage or set-up errors.
struct CheckPropagationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-propagation",
        abstract: "Check which trace headers one app forwards on its downstream calls.",
        discussion: """
        --app HOST:PORT is an app you run: point its outgoing calls at the capture server this prints
        (fix its port with --outbound-port). --app 'cmd:COMMAND' is started with the lab's app contract in
        its environment (PORT, TRACELAB_OUTBOUND, TRACELAB_SERVICE, OTEL_PROPAGATORS, …) and stopped after.
        Exit codes: 0 every format propagates, 1 a format is broken or no downstream call was seen,
        2 usage or set-up error. docs/BYO.md walks through it.
        """
    )

    @Option(help: "The app: HOST:PORT (you run it) or 'cmd:COMMAND' (started with PORT and TRACELAB_OUTBOUND in its environment).")
    var app: String

    @Option(name: [.customLong("instance"), .customLong("service")],
            help: "The lab instance the app stands in for (reviews-v2, ratings-v1, or a service name); sets the default --path and the contract.")
    var instance: String = "reviews-v2"

    @Option(help: "The path each case requests (default: the instance's route, e.g. /reviews/0).")
    var path: String?

    @Option(help: "Formats to check: b3multi, b3single, w3c, ot (and jaeger), comma-separated.")
    var formats: String = "b3multi,b3single,w3c,ot"

    @Option(help: "Port of the capture server the app calls (its TRACELAB_OUTBOUND); 0 lets the OS choose.")
    var outboundPort: Int = 0

    @Option(help: "text, json or junit.")
    var report: String = "text"

    @Option(name: [.customLong("out"), .customLong("output")], help: "Write the report to this file instead of standard output.")
    var out: String?

    @Option(help: "Log file for a 'cmd:' app's output (default: a new file in the temporary directory).")
    var log: String?

    @Option(help: "Seed for the ids the cases send.")
    var seed: UInt64 = 1

    @Option(help: "Longest wait for the app's answer to one case, in seconds.")
    var timeoutSeconds: Int = 10

    @Option(help: "Longest wait for a 'cmd:' app to listen on its PORT, in seconds.")
    var startupSeconds: Int = 30

    /// What the flags ask for, checked.
    struct Plan: Sendable {
        var source: CheckedApp.Source
        var instance: ServiceInstance
        var path: String
        var formats: [PropagationFormat]
        var outboundPort: Int
        var format: ScenarioReportFormat
        var out: String?
        var log: String?
        var seed: UInt64
        var timeout: Duration
        var startup: Duration
    }

    mutating func run() async throws {
        StandardErrorLogging.bootstrap(level: .warning)
        let plan: Plan
        do {
            plan = try makePlan()
        } catch {
            FileHandle.standardError.write(Data("tracelab check-propagation: \(error)\n".utf8))
            throw ExitCode(2)
        }
        // Ctrl-C or SIGTERM cancels the check, which still stops a started app.
        let watcher = SignalWatcher()
        let work = Task { try await CheckPropagationCommand.check(plan) }
        let interrupt = Task {
            for await _ in watcher.signals {
                work.cancel()
                return
            }
        }
        let result = await work.result
        interrupt.cancel()
        switch result {
        case .success(let code):
            if code != 0 { throw ExitCode(code) }
        case .failure(let failure as CheckPropagationFailure):
            FileHandle.standardError.write(Data("tracelab check-propagation: \(failure)\n".utf8))
            throw ExitCode(2)
        case .failure(let error):
            let text = error is CancellationError ? "interrupted; a started app was stopped" : "\(error)"
            FileHandle.standardError.write(Data("tracelab check-propagation: \(text)\n".utf8))
            throw ExitCode(2)
        }
    }

    func makePlan() throws(CheckPropagationFailure) -> Plan {
        let source = try CheckedApp.parse(app)
        let chosen = try Self.instance(named: instance)
        let path = self.path ?? Self.defaultPath(of: chosen.service)
        guard path.hasPrefix("/") else { throw .usage("--path '\(path)' must start with /") }
        let checked: [PropagationFormat]
        do {
            checked = try PropagationCasePlan.parseFormats(formats)
        } catch {
            throw .usage(error.description)
        }
        guard let format = ScenarioReportFormat(rawValue: report) else {
            throw .usage("--report must be text, json or junit, not '\(report)'")
        }
        guard (0...65535).contains(outboundPort) else { throw .usage("--outbound-port \(outboundPort) is not a port (0 to 65535)") }
        guard timeoutSeconds > 0, startupSeconds > 0 else { throw .usage("--timeout-seconds and --startup-seconds must be positive") }
        if case .address = source, log != nil { throw .usage("--log is for an app check-propagation starts (--app 'cmd:…')") }
        return Plan(source: source, instance: chosen, path: path, formats: checked, outboundPort: outboundPort, format: format,
                    out: out, log: log, seed: seed, timeout: .seconds(timeoutSeconds), startup: .seconds(startupSeconds))
    }

    /// `reviews-v2`, or a service name: its first version, except reviews, whose v1 makes no call.
    static func instance(named text: String) throws(CheckPropagationFailure) -> ServiceInstance {
        let name = text.lowercased()
        if let node = ServiceInstance(nodeID: name) { return node }
        if let service = ServiceName(rawValue: name), let first = service.instances.first {
            return service == .reviews ? ServiceInstance(service: .reviews, version: "v2") : first
        }
        throw .usage("--instance '\(text)' is not a lab instance; use one of \(ServiceInstance.all.map(\.nodeID).joined(separator: ", ")) (or a service name)")
    }

    /// The route a lab instance serves its callers on.
    static func defaultPath(of service: ServiceName) -> String {
        switch service {
        case .productpage: "/productpage"
        case .details: "/details/0"
        case .reviews: "/reviews/0"
        case .ratings: "/ratings/0"
        case .serviceA, .serviceB, .serviceC: "/"
        }
    }

    /// Runs the check and prints the report; returns the exit code (0 or 1).
    static func check(_ plan: Plan) async throws -> Int32 {
        var logger = Logger(label: "tracelab.check-propagation")
        // The capture server's own errors are those of a cancelled run (Ctrl-C); a port it
        // cannot bind is reported as a set-up error instead.
        logger.logLevel = .critical
        let capture = PropagationCaptureServer()
        let report = try await capture.serve(port: plan.outboundPort, logger: logger) { outbound in
            try await judge(plan, capture: capture, outbound: outbound)
        }
        let text: String = switch plan.format {
        case .text: PropagationTextRenderer().render(report)
        case .json: report.json()
        case .junit: PropagationJUnitRenderer().render(report)
        }
        if let out = plan.out {
            do {
                try text.write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                throw CheckPropagationFailure.usage("cannot write the report to \(out): \(error.localizedDescription)")
            }
            let passed = report.verdicts.filter(\.verdict.passes).count
            let summary = report.noDownstreamCall ? "no downstream call seen" : "\(passed) of \(report.verdicts.count) formats propagate"
            FileHandle.standardError.write(Data("\(summary); report written to \(out)\n".utf8))
        } else {
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        }
        return report.exitCode
    }

    /// Starts or finds the app, sends every case, and stops a started app whatever happens.
    static func judge(_ plan: Plan, capture: PropagationCaptureServer, outbound: HostPort) async throws -> PropagationReport {
        let app: CheckedApp
        switch plan.source {
        case .address(let address):
            app = try CheckedApp.attach(address)
            if plan.outboundPort == 0 {
                FileHandle.standardError.write(Data("""
                check-propagation: the capture server (your app's outbound) is \(outbound); an app you run must send its calls \
                there (start it with TRACELAB_OUTBOUND=\(outbound), or fix the port with --outbound-port)

                """.utf8))
            }
        case .command(let command):
            guard let port = PortProbe.freeBlock(count: 1) else {
                throw CheckPropagationFailure.setup("no free port on 127.0.0.1 for the app's PORT")
            }
            let contract = AppContract(instance: plan.instance, port: port, outbound: outbound, zipkinURL: nil, collectorURL: nil,
                                       formats: plan.formats.map(\.rawValue))
            let logPath = plan.log ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("tracelab-check-propagation-\(UUID().uuidString).log")
            // A fresh log per run, so the last lines shown on failure are this run's.
            try? FileManager.default.removeItem(atPath: logPath)
            app = try await CheckedApp.start(command, environment: contract.environment, port: port, logPath: logPath, timeout: plan.startup)
        }
        do {
            let results = try await send(plan, to: app, capture: capture)
            await app.stop()
            return PropagationReport(app: app.label, instance: plan.instance.nodeID, request: "GET \(plan.path)",
                                     outbound: outbound.description, log: app.logPath, cases: results)
        } catch {
            await app.stop()
            throw error
        }
    }

    /// One case at a time: the calls the capture server records between sending a case and
    /// the app's answer belong to that case.
    static func send(_ plan: Plan, to app: CheckedApp, capture: PropagationCaptureServer) async throws -> [CaseResult] {
        var generator = SeededGenerator(seed: plan.seed)
        let cases = PropagationCasePlan.cases(for: plan.formats, using: &generator)
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(5)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let results = try await send(cases, plan, to: app, capture: capture, client: client)
            try? await client.shutdown()
            return results
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    static func send(_ cases: [PropagationCase], _ plan: Plan, to app: CheckedApp, capture: PropagationCaptureServer, client: HTTPClient) async throws -> [CaseResult] {
        var results: [CaseResult] = []
        for sent in cases {
            try Task.checkCancellation()
            var request = HTTPClientRequest(url: app.address.url(path: plan.path))
            request.method = .GET
            for field in sent.headers { request.headers.add(name: field.name, value: field.value) }
            let start = capture.count
            var status: Int?
            var problem: String?
            do {
                let response = try await client.execute(request, timeout: .seconds(Int64(plan.timeout.components.seconds)))
                _ = try await response.body.collect(upTo: 8 << 20)
                status = Int(response.status.code)
                if !(200..<300).contains(Int(response.status.code)) {
                    problem = "the app answered \(response.status.code) to GET \(plan.path)"
                }
            } catch {
                try Task.checkCancellation()
                if let how = app.exited() {
                    throw CheckPropagationFailure.setup("the app \(how) while answering \(sent.name)\n" + app.logTail())
                }
                problem = "no answer from the app at \(app.address) within \(plan.timeout): \(error)"
            }
            results.append(CaseResult(case: sent, appStatus: status, appProblem: problem, calls: capture.calls(since: start)))
        }
        return results
    }
}
