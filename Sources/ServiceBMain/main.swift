// Release builds compile this file against the static SDK (Package.swift): importing Foundation
// here records the static Foundation's link dependencies (CoreFoundation, ICU) in this object.
import Foundation
import ServiceCommandLine

// `service-b …` is `tracelab service service-b …`, in a binary that links only the lab services.
do {
    let command = try ServiceCommand.parse(["service-b"] + CommandLine.arguments.dropFirst())
    try await command.run()
} catch {
    ServiceCommand.exit(withError: error)
}
