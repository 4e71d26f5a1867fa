import TraceLabCommands

await TraceLabCommand.main(role: ["service", "productpage"])
