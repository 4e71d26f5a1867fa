import Hummingbird
import LabModel

extension ServiceRuntime {
    struct ModeBody: Codable {
        var mode: String
    }

    /// `GET /health` everywhere, and the propagation admin API (loopback peers only: it
    /// plants bugs, so nobody off the machine may flip it).
    func addCommonRoutes(to router: Router<LabRequestContext>) {
        let instance = configuration.instance
        router.get("/health") { _, _ in
            ServiceRuntime.json(["status": "ok", "service": instance.service.rawValue, "version": instance.version])
        }
        router.get("/admin/propagation") { _, context in
            guard context.isLoopbackPeer else { return ServiceRuntime.forbidden(context) }
            return ServiceRuntime.json(ModeBody(mode: propagation.current.rawValue))
        }
        router.post("/admin/propagation") { request, context in
            guard context.isLoopbackPeer else { return ServiceRuntime.forbidden(context) }
            let body = try await request.body.collect(upTo: 4096)
            guard let parsed = ServiceRuntime.decode(ModeBody.self, from: body) else {
                return ServiceRuntime.error(LabServiceError(.invalidAdminBody("body is not {\"mode\":\"…\"}")).description, status: .badRequest)
            }
            guard let mode = PropagationMode(rawValue: parsed.mode.lowercased()) else {
                return ServiceRuntime.error(LabModelError(.unknownPropagationMode(parsed.mode)).description, status: .badRequest)
            }
            let previous = propagation.current
            propagation.set(mode)
            logger.notice("propagation mode changed", metadata: ["from": "\(previous)", "to": "\(mode)"])
            return ServiceRuntime.json(ModeBody(mode: mode.rawValue))
        }
    }

    static func forbidden(_ context: LabRequestContext) -> Response {
        let peer = context.remoteAddress?.ipAddress ?? "an unknown peer"
        return error("the admin API accepts loopback callers only; \(peer) is not one", status: .forbidden)
    }
}
