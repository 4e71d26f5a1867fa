// Release builds compile this file against the static SDK (Package.swift): importing Foundation
// here records the static Foundation's link dependencies (CoreFoundation, ICU) in this object.
import Foundation
import ProxyCommandLine

// Only the sidecar: `tracelab proxy` takes the same flags; this binary leaves out everything else.
// (`ProxyCommand.main()` would resolve to ArgumentParser's synchronous entry point.)
do {
    let command = try ProxyCommand.parse(Array(CommandLine.arguments.dropFirst()))
    try await command.run()
} catch {
    ProxyCommand.exit(withError: error)
}
