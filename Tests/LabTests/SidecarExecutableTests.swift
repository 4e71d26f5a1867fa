import Foundation
@testable import Lab
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two ways to run a sidecar differ in one thing: `tracelab proxy` can post spans to an
/// https:// collector (AsyncHTTPClient), the lean `tracelab-proxy` (compose, Kubernetes) leaves
/// TLS out and must say so before it starts, not drop every span later.
@Suite("The sidecar executables and an https:// collector", .enabled(if: TraceLabBinary.isAvailable, "\(TraceLabBinary.unavailableReason ?? "")"))
struct SidecarExecutableTests {
    static let leanProxy = URL(fileURLWithPath: TraceLabBinary.path).deletingLastPathComponent().appendingPathComponent("tracelab-proxy").path

    static func arguments(zipkin: String) -> [String] {
        ["--service", "details", "--inbound", "127.0.0.1:0", "--app", "127.0.0.1:9", "--zipkin", zipkin]
    }

    @Test("tracelab-proxy refuses an https --zipkin at once, naming the way out", .enabled(if: FileManager.default.isExecutableFile(atPath: leanProxy)))
    func leanRefusesHTTPS() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.leanProxy)
        process.arguments = Self.arguments(zipkin: "https://collector.example:9411/api/v2/spans")
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 64, "\(text)")
        #expect(text.contains("posts spans over plain HTTP only"), "\(text)")
        #expect(text.contains("tracelab proxy"), "\(text)")
    }

    @Test("tracelab proxy starts with an https --zipkin and stops on SIGTERM")
    func fullBinaryTakesHTTPS() async throws {
        let log = (NSTemporaryDirectory() as NSString).appendingPathComponent("tracelab-https-proxy-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(atPath: log) }
        let pid = try ProcessLauncher.spawn(
            executable: TraceLabBinary.path, arguments: ["proxy"] + Self.arguments(zipkin: "https://127.0.0.1:9/api/v2/spans"), logPath: log
        )
        var text = ""
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while ContinuousClock.now < deadline, ProcessControl.isRunning(pid) {
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.contains("proxy listening") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let listening = text.contains("proxy listening")
        kill(pid, listening ? SIGTERM : SIGKILL)
        for _ in 0..<200 where ProcessControl.isRunning(pid) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(listening, "\(text)")
        #expect(!ProcessControl.isRunning(pid))
        if ProcessControl.isRunning(pid) { kill(pid, SIGKILL) }
    }
}
