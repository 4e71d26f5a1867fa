import TraceLabCommands

await TraceLabCommand.main(role: ["service", "ratings"])
