import LabModel

/// Where a scenario runs: the entry URLs, where traces are read back, and (for a local lab
/// started by `tracelab up`) the admin APIs that change its setup.
public struct LabTarget: Sendable {
    /// Entry URL per lab (`http://127.0.0.1:9080`).
    public var entries: [LabName: String]
    public var backend: any TraceBackend
    /// The collector's base URL, for the UI link in reports.
    public var uiURL: String?
    /// The local lab's state (ports, admin URLs, PIDs); nil for a compose or remote lab.
    public var state: LabState?

    public init(entries: [LabName: String], backend: any TraceBackend, uiURL: String? = nil, state: LabState? = nil) {
        self.entries = entries
        self.backend = backend
        self.uiURL = uiURL
        self.state = state
    }

    /// Sidecar admin base URL by node id (`reviews-v2` → `http://127.0.0.1:15011`).
    public func sidecarAdmin(_ instance: ServiceInstance) -> String? {
        state?.sidecar(nodeID: instance.nodeID)?.adminURL.map(Self.trimmed)
    }

    /// The app's propagation admin URL (`…/admin/propagation`).
    public func appPropagationAdmin(_ instance: ServiceInstance) -> String? {
        state?.app(nodeID: instance.nodeID)?.adminURL
    }

    /// The app's clock admin URL (`…/admin/clock`, beside `/admin/propagation`).
    public func appClockAdmin(_ instance: ServiceInstance) -> String? {
        guard let url = appPropagationAdmin(instance), url.hasSuffix("/admin/propagation") else { return nil }
        return String(url.dropLast("/admin/propagation".count)) + "/admin/clock"
    }

    /// Every running sidecar of `lab`.
    public func sidecars(of lab: LabName) -> [ServiceInstance] {
        lab.services.flatMap(\.instances).filter { sidecarAdmin($0) != nil }
    }

    static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}
