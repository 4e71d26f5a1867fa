// Release builds compile this file against the static SDK (Package.swift): importing Foundation
// here records the static Foundation's link dependencies (CoreFoundation, ICU) in this object.
import Foundation
import ServiceCommandLine

// A binary that links only the lab services.
ServiceCommand.runOnOneEventLoop()
await ServiceCommand.main(service: "service-a")
