import TraceLabCommands

await TraceLabCommand.main(role: ["service", "service-a"])
