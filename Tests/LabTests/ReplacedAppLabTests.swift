import AsyncHTTPClient
import Foundation
@testable import Lab
import LabModel
import Testing

/// `tracelab up --replace`: a user's app in place of a lab instance, started and stopped by
/// the lab, as an unprivileged user (see `UnprivilegedUser`). The app is the repository's
/// standard-library Python example, so the tests need python3 and nothing from PyPI.
/// The system's python3, which uid 65534 can run (a pyenv shim under /root is not reachable).
enum SystemPython {
    static let path: String? = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
}

@Suite("Lab with a user's own app (--replace)", .serialized, .enabled(if: UnprivilegedUser.isAvailable && SystemPython.path != nil, "\(UnprivilegedUser.unavailableReason ?? "no python3 in /usr/bin or /usr/local/bin")"))
struct ReplacedAppLabTests {
    static let example: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/python-by-hand/app.py").path

    /// A lab directory with the example copied in (a clone under /root is not readable by uid 65534).
    static func directoryWithExample(_ label: String) throws -> String {
        let directory = try UnprivilegedUser.makeDirectory(label)
        let copy = (directory as NSString).appendingPathComponent("app.py")
        try FileManager.default.copyItem(atPath: example, toPath: copy)
        chmod(copy, 0o644)
        return directory
    }

    static func upArguments(_ binary: String, _ ports: LabConfiguration) -> [String] {
        [binary, "up", "--detach", "--base-port", String(ports.basePort), "--collector-port", String(ports.collectorPort),
         "--bookinfo-port", String(ports.bookinfoEntryPort), "--chain-port", String(ports.chainEntryPort), "--otlp-grpc-port", "0", "--health-timeout", "90"]
    }

    @Test("reviews-v2 replaced by a Python command: it gets the contract, serves in the mesh, traces through it are whole, down stops its process group")
    func commandReplacement() async throws {
        let directory = try Self.directoryWithExample("replace-cmd")
        let binary = try await UnprivilegedUser.binary(in: directory)
        let ports = try #require(LabRunnerConfiguration.onFreePorts(LabConfiguration(selection: .bookinfo)))
        let python = try #require(SystemPython.path)
        let up = try await UnprivilegedUser.run(Self.upArguments(binary, ports) + ["--replace", "reviews-v2=cmd:\(python) app.py"], in: directory)
        let statePath = (directory as NSString).appendingPathComponent(".tracelab/lab.json")
        do {
            try #require(up.status == 0, "tracelab up failed:\n\(up.output)")
            #expect(up.output.contains("replaced: reviews-v2 → your app"), "\(up.output)")
            let status = try await UnprivilegedUser.run([binary, "status", "--json"], in: directory)
            let report = try JSONDecoder().decode(LabStatusReport.self, from: Data(status.output.utf8))
            #expect(report.allUp)
            let user = try #require(report.processes.first { $0.role == .userApp })
            #expect(user.name == "reviews-v2")
            if UnprivilegedUser.testsRunAsRoot {
                #expect(UnprivilegedUser.userID(of: user.pid) == UnprivilegedUser.uid, "the user's app runs as uid \(UnprivilegedUser.uid)")
            }

            // Weighted routing spreads reviews over v1, v2, v3; the Python app names itself.
            var served: FullLabTests.SentTrace?
            for _ in 0..<60 {
                let sent = try await FullLabTests.request("http://127.0.0.1:\(ports.bookinfoEntryPort)/productpage")
                if sent.body.contains("reviews-v2") { served = sent; break }
            }
            let sent = try #require(served, "reviews-v2 (the Python app) never answered")
            let spans = try await FullLabTests.trace(sent.traceID, spans: 7, collector: report.collectorURL)
            #expect(spans.count == 7)
            FullLabTests.expectLinked(spans, hops: [(caller: "productpage", callee: "details"), (caller: "productpage", callee: "reviews"), (caller: "reviews", callee: "ratings")], entry: "productpage")

            let down = try await UnprivilegedUser.run([binary, "down"], in: directory)
            #expect(down.status == 0, "\(down.output)")
            #expect(kill(-user.pid, 0) != 0, "nothing of the user's app's process group is left")
        } catch {
            await UnprivilegedLabTests.stopLeftovers(statePath: statePath)
            throw error
        }
        await UnprivilegedLabTests.stopLeftovers(statePath: statePath)
    }

    @Test("bad --replace values exit 2 naming the problem and leave nothing running", arguments: [
        ("nosuch-v1=127.0.0.1:9", "'nosuch-v1' names no service"),
        ("ratings-v1=127.0.0.1:PORT", "nothing listens on 127.0.0.1:PORT"),
        ("ratings-v1=cmd:echo 'my app failed' && exit 3", "ratings-v1 exited with status 3"),
        ("service-b-v1=cmd:true", "not part of --lab bookinfo"),
    ])
    func badReplacement(value: String, message: String) async throws {
        let directory = try Self.directoryWithExample("replace-bad")
        let binary = try await UnprivilegedUser.binary(in: directory)
        let ports = try #require(LabRunnerConfiguration.onFreePorts(LabConfiguration(selection: .bookinfo)))
        let nobody = try #require(PortProbe.freeBlock(count: 1))
        let up = try await UnprivilegedUser.run(
            Self.upArguments(binary, ports) + ["--replace", value.replacingOccurrences(of: "PORT", with: String(nobody))], in: directory)
        #expect(up.status == 2, "\(up.output)")
        #expect(up.output.contains(message.replacingOccurrences(of: "PORT", with: String(nobody))), "\(up.output)")
        #expect(!FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(".tracelab/lab.json")))
        #expect(PortProbe.isFree(host: "127.0.0.1", port: ports.collectorPort), "the collector was stopped")
        #expect(PortProbe.isFree(host: "127.0.0.1", port: ports.bookinfoEntryPort), "productpage's sidecar was stopped")
    }
}
