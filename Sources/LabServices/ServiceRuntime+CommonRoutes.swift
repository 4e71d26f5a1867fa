import Hummingbird
import LabModel
import Zipkin

extension ServiceRuntime {
    struct ModeBody: Codable {
        var mode: String
    }

    struct AppSpansBody: Codable {
        var enabled: Bool
    }

    struct ClockBody: Codable {
        var offset: String
        var offsetMicroseconds: Int64?
    }

    /// `GET /health` everywhere, and the admin API of propagation mode, app spans and span
    /// clock offset (loopback peers only: it plants bugs, so nobody off the machine may flip it).
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
        router.get("/admin/app-spans") { _, context in
            guard context.isLoopbackPeer else { return ServiceRuntime.forbidden(context) }
            return ServiceRuntime.json(AppSpansBody(enabled: appSpans.isOn && tracer.tracer != nil))
        }
        router.post("/admin/app-spans") { request, context in
            guard context.isLoopbackPeer else { return ServiceRuntime.forbidden(context) }
            let body = try await request.body.collect(upTo: 4096)
            guard let parsed = ServiceRuntime.decode(AppSpansBody.self, from: body) else {
                return ServiceRuntime.error(LabServiceError(.invalidAdminBody("body is not {\"enabled\":true} or {\"enabled\":false}")).description, status: .badRequest)
            }
            if parsed.enabled, tracer.tracer == nil {
                return ServiceRuntime.error(LabServiceError(.appSpansWithoutEndpoint(service: instance.service, protocol: configuration.appSpansProtocol)).description, status: .conflict)
            }
            appSpans.set(parsed.enabled)
            logger.notice("app spans switched", metadata: ["enabled": "\(parsed.enabled)"])
            return ServiceRuntime.json(AppSpansBody(enabled: parsed.enabled))
        }
        router.get("/admin/clock") { _, context in
            guard context.isLoopbackPeer else { return ServiceRuntime.forbidden(context) }
            let offset = clock.offsetMicroseconds
            return ServiceRuntime.json(ClockBody(offset: "\(offset)us", offsetMicroseconds: offset))
        }
        router.post("/admin/clock") { request, context in
            guard context.isLoopbackPeer else { return ServiceRuntime.forbidden(context) }
            let body = try await request.body.collect(upTo: 4096)
            guard let parsed = ServiceRuntime.decode(ClockBody.self, from: body) else {
                return ServiceRuntime.error(LabServiceError(.invalidAdminBody("body is not {\"offset\":\"250ms\"}")).description, status: .badRequest)
            }
            guard let offset = ClockOffset.parse(parsed.offset) else {
                return ServiceRuntime.error(LabServiceError(.invalidAdminBody("offset '\(parsed.offset)' is not \(ClockOffset.expected)")).description, status: .badRequest)
            }
            clock.set(offsetMicroseconds: offset)
            logger.notice("span clock offset changed", metadata: ["offset_us": "\(offset)"])
            return ServiceRuntime.json(ClockBody(offset: "\(offset)us", offsetMicroseconds: offset))
        }
    }

    static func forbidden(_ context: LabRequestContext) -> Response {
        let peer = context.remoteAddress?.ipAddress ?? "an unknown peer"
        return error("the admin API accepts loopback callers only; \(peer) is not one", status: .forbidden)
    }
}
