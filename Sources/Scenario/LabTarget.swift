import LabModel

/// Where a scenario runs: the entry URLs, where traces are read back, and (for a local lab
/// started by `tracelab up`) the admin APIs that change its setup.
public struct LabTarget: Sendable {
    /// Entry URL per lab (`http://127.0.0.1:9080`).
    public var entries: [LabName: String]
    public var backend: any TraceBackend
    /// The collector's base URL, for the UI link in reports.
    public var uiURL: String?
    /// The lab's state (ports, admin URLs, PIDs): a local lab's .tracelab/lab.json or a
    /// compose lab's compose/lab.json; nil for a remote lab known only by its URLs.
    public var state: LabState?
    /// How `setup.collector: down` stops the collector; nil where it cannot.
    public var collectorControl: CollectorControl?

    public init(entries: [LabName: String], backend: any TraceBackend, uiURL: String? = nil, state: LabState? = nil,
                collectorControl: CollectorControl? = nil) {
        self.entries = entries
        self.backend = backend
        self.uiURL = uiURL
        self.state = state
        self.collectorControl = collectorControl
            ?? state?.processes.first { $0.role == .collector && $0.pid > 0 }.map { .signal(pid: $0.pid) }
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
        appAdmin(instance, "/admin/clock")
    }

    /// The app's app-span switch (`…/admin/app-spans`, beside `/admin/propagation`).
    public func appSpansAdmin(_ instance: ServiceInstance) -> String? {
        appAdmin(instance, "/admin/app-spans")
    }

    private func appAdmin(_ instance: ServiceInstance, _ path: String) -> String? {
        guard let url = appPropagationAdmin(instance), url.hasSuffix("/admin/propagation") else { return nil }
        return String(url.dropLast("/admin/propagation".count)) + path
    }

    /// Every app of `lab` with an admin API.
    public func apps(of lab: LabName) -> [ServiceInstance] {
        lab.services.flatMap(\.instances).filter { appPropagationAdmin($0) != nil }
    }

    /// Every running sidecar of `lab`.
    public func sidecars(of lab: LabName) -> [ServiceInstance] {
        lab.services.flatMap(\.instances).filter { sidecarAdmin($0) != nil }
    }

    static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}
