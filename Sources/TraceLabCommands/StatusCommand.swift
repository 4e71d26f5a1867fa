import ArgumentParser
import Foundation
import Lab
import LabModel

/// `tracelab status`: the lab started here, process by process. Exits 1 when no lab runs or
/// a process is down, so scripts can wait on it.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each process of the running lab: up/down, ports, PID, RSS, and the lab's start-up time."
    )

    @Flag(help: "Print JSON (every port, PID, RSS in bytes, URLs).")
    var json = false

    func run() async throws {
        let running: RunningLab
        do {
            running = try RunningLab.attach(directory: FileManager.default.currentDirectoryPath)
        } catch {
            if json {
                let body = ["running": "false", "error": error.description]
                print(String(decoding: (try? JSONEncoder().encode(body)) ?? Data(), as: UTF8.self))
            } else {
                print("tracelab status: \(error)")
            }
            throw ExitCode.failure
        }
        let report = running.status()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table())
        }
        if !report.allUp { throw ExitCode.failure }
    }
}
