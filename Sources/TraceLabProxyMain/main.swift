import TraceLabCommands

await TraceLabCommand.main(role: ["proxy"])
