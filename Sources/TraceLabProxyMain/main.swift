import ProxyCommandLine

// Only the sidecar: `tracelab proxy` takes the same flags; this binary leaves out everything else,
// Foundation beyond FoundationEssentials included (docs/PERFORMANCE.md: fewer code pages per sidecar).
// (`ProxyCommand.main()` would resolve to ArgumentParser's synchronous entry point.)
do {
    let command = try ProxyCommand.parse(Array(CommandLine.arguments.dropFirst()))
    try await command.run()
} catch {
    ProxyCommand.exit(withError: error)
}
