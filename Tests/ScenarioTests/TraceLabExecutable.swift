import Foundation

/// The built `tracelab` binary the lab integration tests start labs with: `TRACELAB_BINARY`,
/// else `.build/debug/tracelab` of this package (built by `swift build --build-tests`).
enum TraceLabExecutable {
    static let path: String = {
        if let path = ProcessInfo.processInfo.environment["TRACELAB_BINARY"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/tracelab").path
    }()

    /// Why the lab tests cannot run here, nil when `tracelab run --help` and every role answer.
    static let unavailableReason: String? = {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return "no tracelab binary at \(path); run `swift build --build-tests` (or set TRACELAB_BINARY)"
        }
        for arguments in [["run", "--help"], ["collector", "--help"], ["proxy", "--help"], ["service", "--help"]] {
            guard let result = try? run(arguments), result.status == 0 else {
                return "`\(path) \(arguments.joined(separator: " "))` does not work"
            }
        }
        return nil
    }()

    struct Result {
        var status: Int32
        var output: String
    }

    /// Runs the binary to completion in `directory`, output and error together.
    static func run(_ arguments: [String], directory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> String {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("tracelab-scenario-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
