import TraceLabCommands

// `main(role: [])`, not `main(nil)`: the latter resolves to ArgumentParser's synchronous
// entry, which refuses an async root command.
await TraceLabCommand.main(role: [])
