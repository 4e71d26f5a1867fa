import TraceLabCommands

await TraceLabCommand.main(role: ["collector"])
