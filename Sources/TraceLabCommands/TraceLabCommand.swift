import ArgumentParser

/// `tracelab`: one binary that is the CLI and, in a role, every process of the lab.
///
/// `tracelab up` starts the lab by running this same binary as `tracelab proxy …`,
/// `tracelab collector …` and `tracelab service NAME …`, so `swift run -c release tracelab`
/// needs no other build product.
public struct TraceLabCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tracelab",
        abstract: "A service-mesh tracing lab: Swift services, tracing sidecars, a Zipkin collector and a scenario runner.",
        subcommands: [
            BenchCommand.self,
            CollectorCommand.self,
            ProxyCommand.self,
            RunCommand.self, TraceCommand.self, DemoCommand.self,
        ]
    )

    public init() {}

    /// Runs a role as if `tracelab ROLE arguments…` had been typed (used by the thin
    /// per-role executables so their flags are exactly `tracelab ROLE`'s).
    public static func main(role: [String]) async {
        await main(role + Array(CommandLine.arguments.dropFirst()))
    }
}
