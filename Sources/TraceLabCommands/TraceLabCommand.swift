import ServiceCommandLine
import CollectorCommandLine
import ProxyCommandLine
import ArgumentParser
import Foundation

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
            ServiceCommand.self, UpCommand.self, DownCommand.self, StatusCommand.self,
            BenchCommand.self,
            CollectorCommand.self,
            ProxyRoleCommand.self,
            RunCommand.self, TraceCommand.self, DemoCommand.self,
            CheckPropagationCommand.self,
        ]
    )

    public init() {}

    /// Runs a role as if `tracelab ROLE arguments…` had been typed (used by the thin
    /// per-role executables so their flags are exactly `tracelab ROLE`'s).
    public static func main(role: [String]) async {
        // Not `await main(arguments)`: that call resolves to ParsableCommand's synchronous
        // `main(_:)`, which refuses an async root ("Asynchronous root command needs
        // availability annotation"), even with an async `main(_:)` declared on this type.
        do {
            var command = try await asyncParseAsRoot(role + Array(CommandLine.arguments.dropFirst()))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // A usage error (unknown flag, bad value) exits 2 like every other "could not run"
            // (docs/ARCHITECTURE.md, exit codes), not ArgumentParser's 64 (EX_USAGE): scripts
            // and CI jobs tell "the run failed" (1) from "it never ran" (2) by that code.
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}
