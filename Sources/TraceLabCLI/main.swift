// Release builds compile this file against the static SDK (Package.swift): importing Foundation
// here records the static Foundation's link dependencies (CoreFoundation, ICU) in this object.
import Foundation
import TraceLabCommands

// `main(role: [])`, not `main(nil)`: the latter resolves to ArgumentParser's synchronous
// entry, which refuses an async root command.
await TraceLabCommand.main(role: [])
