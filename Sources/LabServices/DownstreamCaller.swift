import AsyncHTTPClient
import LabModel
import Logging
import NIOCore
import TraceContext

/// Makes a service's outgoing calls: through its sidecar's outbound listener with
/// `Host: <callee>` (or straight to the callee when it has a direct route), carrying the trace headers the current propagation mode lets through,
/// and never throwing: a failure becomes a `DownstreamResult` the handler degrades on.
struct DownstreamCaller: Sendable {
    let httpClient: HTTPClient
    let proxy: HostPort
    let directRoutes: [ServiceName: [HostPort]]
    let timeout: Duration
    let tracer: AppTracer
    let propagation: PropagationSwitch
    let logger: Logger
    /// The largest body a downstream may send (bookinfo bodies are a few hundred bytes).
    static let maximumBodySize = 1 << 20

    enum DownstreamResult: Sendable {
        case response(status: Int, body: ByteBuffer)
        case failure(String)

        /// The body of a 2xx response.
        var successBody: ByteBuffer? {
            if case .response(let status, let body) = self, (200..<300).contains(status) { return body }
            return nil
        }

        /// What went wrong, in words for the page and the logs; nil on 2xx.
        var problem: String? {
            switch self {
            case .response(let status, _): (200..<300).contains(status) ? nil : "status \(status)"
            case .failure(let reason): reason
            }
        }
    }

    func get(_ callee: ServiceName, path: String, for trace: AppTracer.HandlerTrace) async -> DownstreamResult {
        var call = tracer.beginCall("call \(callee.rawValue)", from: trace)
        var generator = SystemRandomNumberGenerator()
        call.headers = propagation.current.apply(to: call.headers, using: &generator)

        let target = directRoutes[callee]?.randomElement(using: &generator) ?? proxy
        var request = HTTPClientRequest(url: target.url(path: path))
        request.method = .GET
        request.headers.add(name: "host", value: callee.rawValue)
        for field in call.headers {
            request.headers.add(name: field.name, value: field.value)
        }
        let result: DownstreamResult
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(timeout))
            let body = try await response.body.collect(upTo: Self.maximumBodySize)
            result = .response(status: Int(response.status.code), body: body)
        } catch {
            result = .failure(target == proxy ? "\(callee) unreachable through the sidecar at \(proxy): \(error)" : "\(callee) unreachable at \(target): \(error)")
        }
        switch result {
        case .response(let status, _):
            tracer.endCall(call, callee: callee, path: path, status: status, failure: nil)
            if status >= 400 {
                logger.warning("downstream answered with an error", metadata: ["callee": "\(callee)", "path": "\(path)", "status": "\(status)"])
            }
        case .failure(let reason):
            tracer.endCall(call, callee: callee, path: path, status: nil, failure: reason)
            logger.warning("downstream call failed", metadata: ["callee": "\(callee)", "path": "\(path)", "reason": "\(reason)"])
        }
        return result
    }
}
