import TraceLabCommands

await TraceLabCommand.main(role: ["service", "service-c"])
