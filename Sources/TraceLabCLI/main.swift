// Release builds compile this file against the static SDK (Package.swift): importing Foundation
// here records the static Foundation's link dependencies (CoreFoundation, ICU) in this object.
import Dispatch
import Foundation
import ServiceCommandLine
import TraceLabCommands

// The command runs on the global executor while the main thread waits. With an async top-level
// entry the main thread would end in pthread_exit, whose forced unwind walks the unwind tables
// and leaves ~0.75 MB of them resident in every lab process. Nothing in TraceLab runs on the
// main actor or the main queue.
// `main(role: [])`, not `main(nil)`: the latter resolves to ArgumentParser's synchronous
// entry, which refuses an async root command.
// A lab service runs on one NIO event loop that also runs its tasks (`runOnOneEventLoop`),
// set before the first task starts.
if CommandLine.arguments.dropFirst().first == "service" {
    ServiceCommand.runOnOneEventLoop()
}
let finished = DispatchSemaphore(value: 0)
Task.detached {
    await TraceLabCommand.main(role: [])
    finished.signal()
}
finished.wait()
