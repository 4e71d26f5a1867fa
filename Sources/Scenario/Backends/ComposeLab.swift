import LabModel

/// The lab of compose/docker-compose.yaml (and deploy/k8s/) in LabModel's terms, so the
/// scenario runner drives it like a local lab and a test proves the files match LabModel.
///
/// Same instances, ports and route weights as `tracelab up`; what changes is addressing.
/// Every service version is a pod (app + sidecar sharing a network namespace) reached by its
/// node id (`reviews-v2`); the app and the sidecar's outbound listener stay on the pod's
/// loopback; the sidecar's inbound and admin ports are published on the host's loopback with
/// the same numbers, so entry and admin URLs are the local lab's. An app's propagation admin
/// API accepts loopback callers only, so from the host it is reached through its sidecar's
/// inbound port (the sidecar forwards from 127.0.0.1).
public enum ComposeLab {
    /// Where compose publishes ports (`TRACELAB_PUBLISH_HOST`, loopback by default).
    public static let publishHost = "127.0.0.1"
    /// The collector's name inside the compose network and the cluster.
    public static let collectorHost = "collector"
    /// The sidecars' default `--zipkin` in compose (`ZIPKIN_URL` overrides it).
    public static let zipkinURL = "http://collector:9411/api/v2/spans"
    /// Every lab of the compose file.
    public static let configuration = LabConfiguration(selection: .all)

    /// The plan as pods see each other: sidecar inbound and admin at `NODE:PORT`, app and
    /// outbound on `127.0.0.1`, routes to `NODE:PORT`, the collector at `collector:9411`.
    public static func plan(_ configuration: LabConfiguration = ComposeLab.configuration) throws(LabModelError) -> LabPlan {
        var plan = try LabPlan.make(configuration)
        let nodeOfInbound = Dictionary(uniqueKeysWithValues: plan.sidecars.map { ($0.inbound.port, $0.instance.nodeID) })
        plan.collector = HostPort(host: collectorHost, port: plan.collector.port)
        plan.apps = plan.apps.map { app in
            var app = app
            app.listen.host = "127.0.0.1"
            app.proxy.host = "127.0.0.1"
            return app
        }
        plan.sidecars = plan.sidecars.map { sidecar in
            var sidecar = sidecar
            let node = sidecar.instance.nodeID
            sidecar.inbound.host = node
            sidecar.admin.host = node
            sidecar.outbound.host = "127.0.0.1"
            sidecar.app.host = "127.0.0.1"
            sidecar.routes = sidecar.routes.map { route in
                var route = route
                route.endpoints = route.endpoints.map { endpoint in
                    var endpoint = endpoint
                    endpoint.address.host = nodeOfInbound[endpoint.address.port] ?? endpoint.address.host
                    return endpoint
                }
                return route
            }
            return sidecar
        }
        return plan
    }

    /// `tracelab-proxy`'s flags in the sidecar container: inbound and admin bound on every
    /// interface of the pod (other pods and the published ports reach them), the rest as planned.
    public static func proxyArguments(_ sidecar: SidecarPlan, zipkinURL: String = ComposeLab.zipkinURL, sampling: Double = 1.0) -> [String] {
        var bound = sidecar
        bound.inbound.host = "0.0.0.0"
        bound.admin.host = "0.0.0.0"
        return Array(LaunchArguments.proxy(bound, zipkinURL: zipkinURL, sampling: sampling).dropFirst())
    }

    /// The service executable's flags in the app container (`reviews --listen … --proxy …
    /// --version v2 --zipkin URL`): the collector's URL so app spans can be switched on at run time.
    public static func appArguments(_ app: AppPlan, zipkinURL: String = ComposeLab.zipkinURL) -> [String] {
        Array(LaunchArguments.service(app, zipkinURL: zipkinURL).dropFirst(2))
    }

    /// `tracelab-collector`'s flags in its container.
    public static func collectorArguments(_ plan: LabPlan) -> [String] {
        Array(LaunchArguments.collector(listen: HostPort(host: "0.0.0.0", port: plan.collector.port)).dropFirst())
    }

    /// What `tracelab run --target compose` reads instead of `.tracelab/lab.json`: host-side
    /// URLs for entries, health and admin APIs, and the in-network plan (route changes at
    /// runtime send `NODE:PORT` endpoints, which the sidecars resolve in the compose network).
    public static func state(_ configuration: LabConfiguration = ComposeLab.configuration) throws(LabModelError) -> LabState {
        let plan = try plan(configuration)
        func host(_ port: Int, _ path: String = "") -> String { HostPort(host: publishHost, port: port).url(path: path) }
        // Containers have no PID on this host: processes carry pid 0 and must never be
        // signalled. The collector is left out so nothing looks for its PID (a scenario's
        // `collector: down` then says it needs a local lab instead of signalling PID 0, which
        // would hit the runner's own process group).
        var processes: [LabState.ProcessState] = []
        for sidecar in plan.sidecars {
            if let app = plan.app(of: sidecar.instance) {
                processes.append(LabState.ProcessState(spec: LabProcessSpec(
                    name: sidecar.instance.nodeID, role: .service, instance: sidecar.instance,
                    arguments: ["service", sidecar.instance.service.rawValue] + appArguments(app),
                    ports: [NamedPort(name: "listen", port: app.listen.port)],
                    healthURL: host(sidecar.inbound.port, "/health"),
                    adminURL: host(sidecar.inbound.port, "/admin/propagation")
                ), pid: 0))
            }
            processes.append(LabState.ProcessState(spec: LabProcessSpec(
                name: "\(sidecar.instance.nodeID)-proxy", role: .proxy, instance: sidecar.instance,
                arguments: ["proxy"] + proxyArguments(sidecar),
                ports: [
                    NamedPort(name: "inbound", port: sidecar.inbound.port),
                    NamedPort(name: "outbound", port: sidecar.outbound.port),
                    NamedPort(name: "admin", port: sidecar.admin.port),
                ],
                healthURL: host(sidecar.admin.port, "/ready"), adminURL: host(sidecar.admin.port)
            ), pid: 0))
        }
        let entries = configuration.selection.labs.compactMap { lab -> LabEntry? in
            let service = LabTopology.entryService(of: lab)
            guard let sidecar = plan.sidecars.first(where: { $0.instance.service == service }) else { return nil }
            return LabEntry(lab: lab, url: host(sidecar.inbound.port, LabTopology.entryPath(of: lab)))
        }
        return LabState(
            lab: configuration.selection, supervisorPID: 0, detached: true, startedAt: 0, startupMilliseconds: 0,
            collectorURL: host(plan.collector.port), zipkinURL: host(plan.collector.port, "/api/v2/spans"),
            uiURL: host(plan.collector.port), entries: entries, processes: processes, plan: plan
        )
    }

    /// The runner's target for the compose lab, reading traces from `backend` (the collector
    /// on 9411 by default, or Jaeger with the `jaeger`/`otel` profiles).
    public static func target(backend: (any TraceBackend)? = nil) throws(LabModelError) -> LabTarget {
        let state = try state()
        var entries: [LabName: String] = [:]
        for entry in state.entries {
            // LabTarget's entries are base URLs (`http://127.0.0.1:9080`).
            entries[entry.lab] = HostPort(host: publishHost, port: state.plan.sidecars.first {
                $0.instance.service == LabTopology.entryService(of: entry.lab)
            }?.inbound.port ?? 0).url()
        }
        let reader = backend ?? ZipkinAPIBackend(baseURL: state.collectorURL)
        return LabTarget(entries: entries, backend: reader, uiURL: state.uiURL, state: state)
    }
}
