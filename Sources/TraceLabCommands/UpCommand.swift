import StandardErrorLogging
import ArgumentParser
import Foundation
import Lab
import LabModel
import Logging

/// `tracelab up`: the whole mesh on loopback, no Docker: the collector, every service and
/// its sidecar, each a process of this same binary.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start a lab (collector, services, sidecars) on loopback and wait until every process is healthy.",
        discussion: """
        Entries: bookinfo http://127.0.0.1:9080/productpage, chain http://127.0.0.1:8080/, UI http://127.0.0.1:9411/.
        Other ports come from a block at --base-port (see `tracelab status`). Logs go to .tracelab/logs/.
        Without --detach, Ctrl-C stops everything; with --detach, `tracelab down` does.
        """
    )

    @Option(help: "Which lab: bookinfo, chain or all.", transform: UpCommand.parseSelection)
    var lab: LabSelection = .bookinfo

    @Option(help: "First port of the block for sidecars' and apps' ports.")
    var basePort: Int = LabConfiguration.defaultBasePort

    @Option(help: "The collector's port (Zipkin API and UI).")
    var collectorPort: Int = LabConfiguration.defaultCollectorPort

    @Option(help: "The bookinfo entry port (productpage's sidecar).")
    var bookinfoPort: Int = LabConfiguration.defaultBookinfoEntryPort

    @Option(help: "The chain entry port (service-a's sidecar).")
    var chainPort: Int = LabConfiguration.defaultChainEntryPort

    @Option(help: "The collector's OTLP/gRPC port (OpenTelemetry's default 4317); 0 starts no gRPC listener.")
    var otlpGrpcPort: Int = LabConfiguration.hasOTLPGRPC ? LabConfiguration.defaultOTLPGRPCPort : 0

    @Flag(help: "Return once the lab is healthy and leave it running (state in .tracelab/lab.json).")
    var detach = false

    @Flag(help: "Apps report their own spans next to the sidecars'.")
    var appSpans = false

    @Option(help: "How apps export their spans, now or when switched on at run time: zipkin (JSON) or otlp (OTLP/HTTP protobuf).")
    var appSpansProtocol: String = AppSpansProtocol.zipkin.rawValue

    @Option(
        name: .customLong("replace"),
        help: ArgumentHelp(
            "Put your own app in place of a lab instance: INSTANCE=HOST:PORT (you run it) or 'INSTANCE=cmd:COMMAND' (the lab runs it with PORT, TRACELAB_OUTBOUND, OTEL_* set); repeatable. See docs/BYO.md.",
            valueName: "instance=app"
        )
    )
    var replace: [String] = []

    @Option(help: "Seconds every process together may take to become healthy.")
    var healthTimeout: Int = 30

    @Option(help: "The lessons the UI's course page lists (default: ./scenarios when it exists); it shows each one's last `tracelab run` result.")
    var course: String?

    func run() async throws {
        StandardErrorLogging.bootstrap(level: .warning)
        var labConfiguration = LabConfiguration(
            selection: lab, basePort: basePort, collectorPort: collectorPort,
            bookinfoEntryPort: bookinfoPort, chainEntryPort: chainPort, appSpans: appSpans
        )
        guard (0...65535).contains(otlpGrpcPort) else {
            print("tracelab up: --otlp-grpc-port \(otlpGrpcPort) is not a port; give 1…65535, or 0 for none")
            throw ExitCode(2)
        }
        labConfiguration.otlpGRPCPort = otlpGrpcPort == 0 ? nil : otlpGrpcPort
        guard let spansProtocol = AppSpansProtocol(rawValue: appSpansProtocol.lowercased()) else {
            print("tracelab up: --app-spans-protocol '\(appSpansProtocol)' is not one; use zipkin or otlp")
            throw ExitCode(2)
        }
        labConfiguration.appSpansProtocol = spansProtocol == .zipkin ? nil : spansProtocol
        do {
            labConfiguration.replacements = try UpCommand.replacements(replace, in: lab)
        } catch {
            print("tracelab up: \(error)")
            throw ExitCode(2)
        }
        let directory = FileManager.default.currentDirectoryPath
        if let courseDirectory = try Self.courseDirectory(course, in: directory) {
            // Absolute paths: the collector need not run where `up` did.
            labConfiguration.courseDirectory = courseDirectory
            labConfiguration.courseResults = (directory as NSString).appendingPathComponent(LabState.lastRunPath)
        }
        let configuration = LabRunnerConfiguration(
            lab: labConfiguration,
            executable: try LabRunnerConfiguration.currentExecutable(),
            directory: FileManager.default.currentDirectoryPath,
            healthTimeout: .seconds(healthTimeout),
            detached: detach
        )
        // Watch signals before the first spawn: Ctrl-C during start-up must stop what started.
        let watcher = SignalWatcher()
        let starting = Task { () throws(LabError) -> RunningLab in
            try await LabRunner.start(configuration: configuration)
        }
        let interrupter = Task {
            for await _ in watcher.signals {
                starting.cancel()
                return
            }
        }
        let running: RunningLab
        do {
            running = try await starting.value
        } catch {
            interrupter.cancel()
            print("tracelab up: \(error)")
            throw (error as? LabError)?.concernsReplacement(labConfiguration) == true ? ExitCode(2) : ExitCode.failure
        }
        interrupter.cancel()
        print(running.status().table())
        if detach {
            print("Detached. `tracelab status` shows the lab, `tracelab down` stops it.")
            return
        }
        print("Press Ctrl-C to stop the lab.")
        var reported: Set<String> = []
        let monitor = Task {
            // Tell the user when a process of a running lab dies (the rest keeps serving).
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                for process in running.status().processes where !process.up && !reported.contains(process.name) {
                    reported.insert(process.name)
                    print("warning: \(process.name) (pid \(process.pid)) stopped; see \(process.logFile)")
                }
            }
        }
        for await _ in watcher.signals { break }
        monitor.cancel()
        print("\nStopping the lab…")
        let report = await running.stop()
        print("Stopped \(report.terminated.count + report.killed.count) processes" + (report.killed.isEmpty ? "." : " (\(report.killed.joined(separator: ", ")) needed SIGKILL)."))
    }

    /// The `--replace` values by node id; each must name an instance of the selected lab.
    static func replacements(_ values: [String], in selection: LabSelection) throws(LabModelError) -> [String: AppReplacement]? {
        guard !values.isEmpty else { return nil }
        var parsed: [AppReplacement] = []
        for value in values {
            let replacement = try AppReplacement(parsing: value)
            guard selection.labs.contains(replacement.instance.service.lab) else {
                throw LabModelError(.invalidReplacement(value, "\(replacement.instance.nodeID) is not part of --lab \(selection); use --lab \(replacement.instance.service.lab) or all"))
            }
            parsed.append(replacement)
        }
        return try AppReplacement.byNode(parsed)
    }

    /// The course directory as an absolute path: `--course`, which must be a directory, or
    /// `./scenarios` when it exists (nil otherwise: the lab runs without a course page).
    static func courseDirectory(_ option: String?, in directory: String) throws -> String? {
        let path = option ?? "scenarios"
        let absolute = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), isDirectory.boolValue else {
            if let option { throw ValidationError("--course \(option) is not a directory of scenario files") }
            return nil
        }
        return (absolute as NSString).standardizingPath
    }

    static func parseSelection(_ text: String) throws -> LabSelection {
        guard let selection = LabSelection(rawValue: text.lowercased()) else {
            throw ValidationError("unknown lab '\(text)'; use bookinfo, chain or all")
        }
        return selection
    }
}
