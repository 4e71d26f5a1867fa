import ArgumentParser
import Foundation
import Lab
import LabModel

/// `tracelab down`: stops exactly the processes recorded in .tracelab/lab.json.
struct DownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop the lab started here (by PID: SIGTERM, then SIGKILL after a grace period) and remove its state."
    )

    @Option(help: "Seconds between SIGTERM and SIGKILL.")
    var grace: Int = 5

    func run() async throws {
        let directory = FileManager.default.currentDirectoryPath
        let running: RunningLab
        do {
            running = try RunningLab.attach(directory: directory, stopGrace: .seconds(grace))
        } catch {
            print("tracelab down: \(error)")
            throw ExitCode.failure
        }
        let report = await running.stop()
        // A foreground `up` has nothing left to supervise once its processes are gone.
        let supervisor = running.state.supervisorPID
        if !running.state.detached, supervisor != getpid(), ProcessControl.isRunning(supervisor) {
            kill(supervisor, SIGTERM)
        }
        print("Stopped \(report.terminated.count + report.killed.count) processes of the \(running.state.lab) lab.")
        if !report.killed.isEmpty { print("Needed SIGKILL: \(report.killed.joined(separator: ", "))") }
        if !report.alreadyGone.isEmpty { print("Already gone: \(report.alreadyGone.joined(separator: ", "))") }
        if !report.skipped.isEmpty { print("Left alone (PID now runs another program): \(report.skipped.joined(separator: ", "))") }
    }
}
