import TraceLabCommands

await TraceLabCommand.main(nil)
