// Release builds compile this file against the static SDK (Package.swift): importing Foundation
// here records the static Foundation's link dependencies (CoreFoundation, ICU) in this object.
import Foundation
import ServiceCommandLine

// `productpage …` is `tracelab service productpage …`, in a binary that links only the lab services.
do {
    let command = try ServiceCommand.parse(["productpage"] + CommandLine.arguments.dropFirst())
    try await command.run()
} catch {
    ServiceCommand.exit(withError: error)
}
