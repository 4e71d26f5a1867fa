import Hummingbird
import LabModel
import TraceContext

extension ServiceRuntime {
    /// service-a/b/c: `GET /` returns what the next service returned plus this service's own
    /// line; a failed downstream becomes a line saying so, not an error page.
    func addChainRoutes(to router: Router<LabRequestContext>) {
        let instance = configuration.instance
        router.get("/") { request, _ in
            await handle(request, name: "get /") { trace in
                var lines: [String] = []
                for call in LabTopology.calls(madeBy: instance) {
                    let result = await caller.get(call.callee, path: call.path(productID: 0), for: trace)
                    if let body = result.successBody {
                        lines.append(String(buffer: body).trimmingSuffixNewlines())
                    } else {
                        lines.append("\(call.callee) unavailable: \(result.problem ?? "no answer")")
                    }
                }
                let requestID = trace.forwardable[TraceHeaders.requestID] ?? "none"
                let traceID = (trace.span?.spanContext ?? trace.incoming)?.traceID.hex ?? "none"
                lines.append("\(instance.nodeID): hello (x-request-id \(requestID), trace \(traceID))")
                return ServiceRuntime.text(lines.joined(separator: "\n") + "\n")
            }
        }
    }
}

extension String {
    fileprivate func trimmingSuffixNewlines() -> String {
        var result = self
        while result.hasSuffix("\n") { result.removeLast() }
        return result
    }
}
