import AsyncHTTPClient
import Foundation
@testable import Lab
import LabModel
import NIOCore
import TestSupport
import Testing
import Zipkin

/// Every lab process must work without root or any capability: the lab's users are ordinary
/// users, and so is the image's uid in compose and Kubernetes. These tests start the real
/// binary as uid 65534 when the tests run as root (see `UnprivilegedUser`).
@Suite("Lab as an unprivileged user", .serialized, .enabled(if: UnprivilegedUser.isAvailable, "\(UnprivilegedUser.unavailableReason ?? "")"))
struct UnprivilegedLabTests {
    @Test("a lone sidecar as an unprivileged user forwards on its inbound listener and answers its admin API")
    func loneSidecar() async throws {
        let directory = try UnprivilegedUser.makeDirectory("unprivileged-proxy")
        let binary = try await UnprivilegedUser.binary(in: directory)
        let app = try await TestHTTPServer { _ in .reply(status: .ok, headers: [("content-type", "text/plain")], body: "hello from the app") }
        let base = try #require(PortProbe.freeBlock(count: 3))
        let (pid, log) = try UnprivilegedUser.start([
            binary, "proxy", "--service", "details", "--node-id", "details-v1",
            "--inbound", "127.0.0.1:\(base)", "--app", "127.0.0.1:\(app.port)",
            "--outbound", "127.0.0.1:\(base + 1)", "--admin", "127.0.0.1:\(base + 2)", "--log-level", "warning",
        ], in: directory)
        do {
            let ready = await HealthChecker(httpClient: .shared).waitUntilHealthy(
                url: "http://127.0.0.1:\(base + 2)/ready", pid: pid, deadline: ContinuousClock.now.advanced(by: .seconds(30)))
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            guard case .healthy = ready else {
                Issue.record("the sidecar did not become ready: \(ready)\n\(output)")
                await ProcessControl.terminate([pid])
                await app.close()
                return
            }
            if UnprivilegedUser.testsRunAsRoot {
                #expect(UnprivilegedUser.userID(of: pid) == UnprivilegedUser.uid, "the sidecar runs as uid \(UnprivilegedUser.uid)")
            }
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(base)/details/0"), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            #expect(response.status == .ok)
            #expect(String(buffer: body) == "hello from the app")
            let stats = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(base + 2)/stats"), timeout: .seconds(10))
            _ = try await stats.body.collect(upTo: 1 << 20)
            #expect(stats.status == .ok, "the admin API answers /stats")
        } catch {
            await ProcessControl.terminate([pid])
            await app.close()
            throw error
        }
        await ProcessControl.terminate([pid])
        await app.close()
        #expect(!ProcessControl.isRunning(pid))
    }

    @Test("tracelab up --lab all --detach as an unprivileged user: healthy, one complete bookinfo and one complete chain trace, down stops everything")
    func wholeLab() async throws {
        let directory = try UnprivilegedUser.makeDirectory("unprivileged-lab")
        let binary = try await UnprivilegedUser.binary(in: directory)
        let ports = try #require(LabRunnerConfiguration.onFreePorts(LabConfiguration(selection: .all)))
        let up = try await UnprivilegedUser.run([
            binary, "up", "--lab", "all", "--detach", "--base-port", String(ports.basePort),
            "--collector-port", String(ports.collectorPort), "--bookinfo-port", String(ports.bookinfoEntryPort),
            "--chain-port", String(ports.chainEntryPort), "--otlp-grpc-port", "0", "--health-timeout", "90",
        ], in: directory)
        let statePath = (directory as NSString).appendingPathComponent(".tracelab/lab.json")
        do {
            try #require(up.status == 0, "tracelab up failed:\n\(up.output)")
            let status = try await UnprivilegedUser.run([binary, "status", "--json"], in: directory)
            let report = try JSONDecoder().decode(LabStatusReport.self, from: Data(status.output.utf8))
            #expect(report.allUp)
            #expect(report.processes.count == 19)
            if UnprivilegedUser.testsRunAsRoot {
                for process in report.processes {
                    #expect(UnprivilegedUser.userID(of: process.pid) == UnprivilegedUser.uid, "\(process.name) runs as uid \(UnprivilegedUser.uid)")
                }
            }

            let bookinfo = try await FullLabTests.request("http://127.0.0.1:\(ports.bookinfoEntryPort)/productpage")
            let withRatings = !bookinfo.body.contains("<b>reviews-v1</b>")
            let bookinfoSpans = try await FullLabTests.trace(bookinfo.traceID, spans: withRatings ? 7 : 5, collector: report.collectorURL)
            #expect(bookinfoSpans.count == (withRatings ? 7 : 5))
            var hops = [(caller: "productpage", callee: "details"), (caller: "productpage", callee: "reviews")]
            if withRatings { hops.append((caller: "reviews", callee: "ratings")) }
            FullLabTests.expectLinked(bookinfoSpans, hops: hops, entry: "productpage")

            let chain = try await FullLabTests.request("http://127.0.0.1:\(ports.chainEntryPort)/")
            let chainSpans = try await FullLabTests.trace(chain.traceID, spans: 5, collector: report.collectorURL)
            #expect(chainSpans.count == 5)
            FullLabTests.expectLinked(chainSpans, hops: [(caller: "service-a", callee: "service-b"), (caller: "service-b", callee: "service-c")], entry: "service-a")

            let down = try await UnprivilegedUser.run([binary, "down"], in: directory)
            #expect(down.status == 0, "\(down.output)")
            #expect(down.output.contains("Stopped 19 processes"))
            for process in report.processes {
                #expect(!ProcessControl.isRunning(process.pid), "\(process.name) stopped")
            }
        } catch {
            await Self.stopLeftovers(statePath: statePath)
            throw error
        }
        await Self.stopLeftovers(statePath: statePath)
    }

    /// Stops (by PID) whatever a failed test left of a detached lab. Root may signal them.
    static func stopLeftovers(statePath: String) async {
        guard let data = FileManager.default.contents(atPath: statePath),
              let state = try? JSONDecoder().decode(LabState.self, from: data) else { return }
        await ProcessControl.terminate(state.processes.map(\.pid).filter { ProcessControl.isRunning($0) })
    }
}
