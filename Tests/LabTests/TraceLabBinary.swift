import Foundation

/// The built `tracelab` binary the full-lab tests start the lab with: `TRACELAB_BINARY`, else
/// `.build/debug/tracelab` of this package (`swift build --build-tests` builds it, since it
/// builds every product).
enum TraceLabBinary {
    static let path: String = {
        if let path = ProcessInfo.processInfo.environment["TRACELAB_BINARY"], !path.isEmpty { return path }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/tracelab").path
    }()

    /// Why the full-lab tests cannot run, or nil when the binary exists and has every role.
    static let unavailableReason: String? = {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return "no tracelab binary at \(path); run `swift build --build-tests` (or set TRACELAB_BINARY)"
        }
        for role in ["collector", "proxy", "service"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = [role, "--help"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do {
                try process.run()
                process.waitUntilExit()
            } catch {
                return "cannot run \(path): \(error)"
            }
            if process.terminationStatus != 0 {
                return "\(path) has no '\(role)' role yet (`tracelab \(role) --help` exited \(process.terminationStatus))"
            }
        }
        return nil
    }()

    static var isAvailable: Bool { unavailableReason == nil }
}
