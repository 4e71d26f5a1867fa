import TraceLabCommands

await TraceLabCommand.main(role: ["service", "details"])
