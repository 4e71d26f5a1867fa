import TraceLabCommands

await TraceLabCommand.main(role: ["service", "reviews"])
