// Release builds compile this file against the static SDK (Package.swift): importing Foundation
// here records the static Foundation's link dependencies (CoreFoundation, ICU) in this object.
import CollectorCommandLine
import Foundation

// `tracelab-collector …` is `tracelab collector …`, in a binary that links only the collector.
do {
    let command = try CollectorCommand.parse(Array(CommandLine.arguments.dropFirst()))
    try await command.run()
} catch {
    CollectorCommand.exit(withError: error)
}
