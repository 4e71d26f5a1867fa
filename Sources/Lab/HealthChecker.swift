import AsyncHTTPClient
import Foundation
import LabModel
import NIOCore

/// Polls a process's health URL until it answers 200, the process dies, or time runs out.
/// Also how a user's app started by a lesson or `check-propagation` is waited for (`tcp://`).
public struct HealthChecker: Sendable {
    let httpClient: HTTPClient
    /// Between attempts; short, since start-up time is one of the lab's figures.
    var interval: Duration = .milliseconds(25)
    var requestTimeout: Duration = .milliseconds(500)

    public init(httpClient: HTTPClient = .shared) {
        self.httpClient = httpClient
    }

    public enum Outcome: Sendable {
        case healthy
        case died(String)
        case timedOut
    }

    public func waitUntilHealthy(url: String, pid: Int32, deadline: ContinuousClock.Instant) async -> Outcome {
        let clock = ContinuousClock()
        while clock.now < deadline {
            if Task.isCancelled { return .timedOut }
            if case .exited(let how) = ProcessControl.status(of: pid) { return .died(how) }
            if case .gone = ProcessControl.status(of: pid) { return .died("exited") }
            if await answers(url: url) { return .healthy }
            try? await Task.sleep(for: interval)
        }
        return .timedOut
    }

    func answers(url: String) async -> Bool {
        // A user's app: the lab knows its port, not its routes.
        if url.hasPrefix("tcp://"), let address = HostPort(String(url.dropFirst("tcp://".count))) {
            return PortProbe.accepts(host: address.host, port: address.port)
        }
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(requestTimeout))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return response.status.code == 200
        } catch {
            return false
        }
    }
}
