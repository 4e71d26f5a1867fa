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

    @Flag(help: "Return once the lab is healthy and leave it running (state in .tracelab/lab.json).")
    var detach = false

    @Flag(help: "Apps report their own spans next to the sidecars'.")
    var appSpans = false

    @Option(help: "Seconds every process together may take to become healthy.")
    var healthTimeout: Int = 30

    func run() async throws {
        StandardErrorLogging.bootstrap(level: .warning)
        let configuration = LabRunnerConfiguration(
            lab: LabConfiguration(
                selection: lab, basePort: basePort, collectorPort: collectorPort,
                bookinfoEntryPort: bookinfoPort, chainEntryPort: chainPort, appSpans: appSpans
            ),
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
            throw ExitCode.failure
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

    static func parseSelection(_ text: String) throws -> LabSelection {
        guard let selection = LabSelection(rawValue: text.lowercased()) else {
            throw ValidationError("unknown lab '\(text)'; use bookinfo, chain or all")
        }
        return selection
    }
}
