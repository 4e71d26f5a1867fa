import Foundation
import LabModel
import Scenario
import Testing

/// compose/docker-compose.yaml and compose/docker-compose.envoy.yaml against LabModel: the
/// same processes, flags, ports and routes as `tracelab up`, so the two labs cannot drift. Each
/// service version is a pod: NODE (a container that only sleeps and owns the network namespace),
/// NODE-app and NODE-proxy joining it.
@Suite("compose lab matches LabModel")
struct ComposeTopologyTests {
    let compose: [String: Any]
    let services: [String: [String: Any]]
    let localPlan: LabPlan
    let plan: LabPlan

    /// Where the collector keeps its spans in compose: SQLite on the named volume `spans`.
    static let spansDirectory = "/var/lib/tracelab"
    static let storage = "sqlite:/var/lib/tracelab/spans.sqlite"

    init() throws {
        compose = try DeployFiles.yaml("compose/docker-compose.yaml")
        services = (compose["services"] as? [String: Any] ?? [:]).compactMapValues { $0 as? [String: Any] }
        localPlan = try LabPlan.make(ComposeLab.configuration)
        plan = try ComposeLab.plan()
    }

    func service(_ name: String) throws -> [String: Any] {
        try #require(services[name], "compose/docker-compose.yaml has no service \(name)")
    }

    func command(of name: String) throws -> [String] {
        try service(name).strings("command").map(DeployFiles.interpolatingDefaults)
    }

    func healthCheck(of name: String) throws -> [String] {
        try service(name).map("healthcheck").strings("test")
    }

    @Test("has a pod, an app and a sidecar per instance, the collector, the lab-check/ready gate and the profiles' backends")
    func sameProcesses() {
        var lab: Set<String> = ["collector", "lab-check", "ready"]
        for process in localPlan.processes {
            switch process.role {
            case .collector: continue
            case .service: lab.formUnion([process.name, "\(process.name)-app"])
            case .proxy: lab.insert(process.name)
            case .userApp: Issue.record("the default plan replaces no app: \(process.name)")
            }
        }
        #expect(lab.count == 3 + 3 * localPlan.sidecars.count)
        #expect(Set(services.keys) == lab.union(["jaeger", "otel-collector"]))
        for (name, service) in services where lab.contains(name) {
            #expect(service["profiles"] == nil, "\(name) must start without a profile")
            // lab-check runs once per `up`; everything else comes back with the engine.
            #expect(service.string("restart") == (name == "lab-check" ? "no" : "unless-stopped"), "\(name)'s restart policy")
        }
    }

    @Test("the collector listens on the planned port, published with its UI, and keeps spans in SQLite on a volume")
    func collector() throws {
        let port = localPlan.collector.port
        let expected = Array(LaunchArguments.collector(listen: HostPort(host: "0.0.0.0", port: port), storage: Self.storage).dropFirst())
        #expect(try command(of: "collector") == ["tracelab-collector"] + expected)
        #expect(try service("collector").strings("ports").map(DeployFiles.interpolatingDefaults) == ["127.0.0.1:\(port):\(port)"])
        #expect(try service("collector").strings("volumes") == ["spans:\(Self.spansDirectory)"])
        #expect((compose["volumes"] as? [String: Any])?.keys.sorted() == ["spans"])
    }

    @Test("every pod is a container that only sleeps, named and reached by its node id")
    func pods() throws {
        for sidecar in plan.sidecars {
            let node = sidecar.instance.nodeID
            let pod = try service(node)
            #expect(try command(of: node) == ["sleep", "infinity"])
            #expect(pod.string("hostname") == node)
            #expect(pod["network_mode"] == nil, "the pod owns its network namespace")
            #expect(pod["depends_on"] == nil, "the pod starts first and never waits")
        }
    }

    @Test("every app joins its pod and runs its service executable with the planned ports and version")
    func apps() throws {
        for app in plan.apps {
            let node = app.instance.nodeID
            #expect(try command(of: "\(node)-app") == [app.instance.service.rawValue] + ComposeLab.appArguments(app))
            #expect(try service("\(node)-app").string("network_mode") == "service:\(node)")
            #expect(try service("\(node)-app")["ports"] == nil, "ports of a shared network namespace belong to its owner")
        }
    }

    @Test("every sidecar joins its pod's network namespace and runs the planned proxy flags")
    func sidecars() throws {
        for sidecar in plan.sidecars {
            let node = sidecar.instance.nodeID
            let proxy = try service("\(node)-proxy")
            #expect(proxy.string("network_mode") == "service:\(node)")
            #expect(try command(of: "\(node)-proxy") == ["tracelab-proxy"] + ComposeLab.proxyArguments(sidecar))
            #expect(proxy["ports"] == nil, "ports of a shared network namespace belong to its owner")
        }
    }

    @Test("routes go to the callees' pods with LabTopology's default weights")
    func routes() {
        for (local, compose) in zip(localPlan.sidecars, plan.sidecars) {
            #expect(compose.routes.map(\.service) == LabTopology.callees(of: local.instance.service))
            for (localRoute, composeRoute) in zip(local.routes, compose.routes) {
                let expected = LabTopology.defaultWeights(for: localRoute.service).map { version, weight in
                    "\(localRoute.service.rawValue)-\(version):\(localPlan.sidecar(of: ServiceInstance(service: localRoute.service, version: version))?.inbound.port ?? 0)@\(weight)"
                }
                #expect(composeRoute.argument == "\(localRoute.service.rawValue)=" + expected.joined(separator: ","))
            }
        }
    }

    @Test("each pod publishes its sidecar's inbound and admin ports on the local lab's numbers")
    func publishedPorts() throws {
        for sidecar in localPlan.sidecars {
            let ports = try service(sidecar.instance.nodeID).strings("ports").map(DeployFiles.interpolatingDefaults)
            #expect(ports == ["127.0.0.1:\(sidecar.inbound.port):\(sidecar.inbound.port)", "127.0.0.1:\(sidecar.admin.port):\(sidecar.admin.port)"])
        }
        let entries = try ComposeLab.state().entries.map(\.url).sorted()
        #expect(entries == localPlan.entries.map(\.url).sorted())
        #expect(entries == ["http://127.0.0.1:8080/", "http://127.0.0.1:9080/productpage"])
    }

    @Test("a pod's health check asks its sidecar's /ready and its app's /health; the apps and sidecars have none of their own")
    func healthChecks() throws {
        for sidecar in plan.sidecars {
            let node = sidecar.instance.nodeID
            #expect(try healthCheck(of: node) == ["CMD", "tracelab-healthcheck",
                                                  "http://127.0.0.1:\(sidecar.admin.port)/ready", "http://127.0.0.1:\(sidecar.app.port)/health"])
            #expect(try service("\(node)-app")["healthcheck"] == nil, "the pod's check covers the app")
            #expect(try service("\(node)-proxy")["healthcheck"] == nil, "the pod's check covers the sidecar")
            #expect(Set(try service("\(node)-proxy").map("depends_on").keys) == [node, "collector"])
            #expect(Set(try service("\(node)-app").map("depends_on").keys) == [node])
        }
        #expect(try healthCheck(of: "collector") == ["CMD", "tracelab-healthcheck", "http://127.0.0.1:\(localPlan.collector.port)/health"])
    }

    @Test("`up` waits for lab-check, which polls the collector and every sidecar and app by the pods' names")
    func upWaitsForTheLab() throws {
        let check = try command(of: "lab-check")
        #expect(check.prefix(3) == ["tracelab-healthcheck", "--wait", "120"])
        var urls = ["http://\(ComposeLab.collectorHost):\(plan.collector.port)/health"]
        for sidecar in plan.sidecars {
            // The pod's name and the published port numbers: admin /ready, and the app through the inbound.
            urls += ["http://\(sidecar.admin.description)/ready", "http://\(sidecar.inbound.description)/health"]
        }
        #expect(Array(check.dropFirst(3)) == urls)
        let started = try service("lab-check").map("depends_on")
        #expect(Set(started.keys) == Set(["collector"] + plan.sidecars.flatMap { ["\($0.instance.nodeID)-app", "\($0.instance.nodeID)-proxy"] }))
        let gate = try service("ready").map("depends_on")
        #expect(gate.keys.sorted() == ["lab-check"])
        #expect(gate.map("lab-check").string("condition") == "service_completed_successfully")
        #expect(try command(of: "ready") == ["sleep", "infinity"])
    }

    @Test("the Envoy override replaces only the sidecars, which keep their pod")
    func envoyOverride() throws {
        let override = try DeployFiles.yaml("compose/docker-compose.envoy.yaml").map("services")
        for (name, value) in override {
            let sidecar = value as? [String: Any] ?? [:]
            #expect(name.hasSuffix("-proxy"), "\(name): the override replaces sidecars only")
            #expect(sidecar["network_mode"] == nil && sidecar["healthcheck"] == nil, "\(name) keeps its pod and the pod's health check")
        }
    }

    @Test("the backends' profiles receive Zipkin where the sidecars can send it")
    func backendProfiles() throws {
        let jaeger = try service("jaeger")
        #expect(Set(jaeger.strings("profiles")) == ["jaeger", "otel"])
        #expect(jaeger.map("environment").string("COLLECTOR_ZIPKIN_HOST_PORT") == ":9411")
        let otel = try service("otel-collector")
        #expect(otel.strings("profiles") == ["otel"])
        let otelConfig = try DeployFiles.yaml("compose/otel/config.yaml")
        #expect(otelConfig.map("receivers").map("zipkin").string("endpoint") == "0.0.0.0:9411")
        for env in ["jaeger", "otel"] {
            let text = try DeployFiles.text("compose/env/\(env).env")
            let host = env == "otel" ? "otel-collector" : "jaeger"
            #expect(text.contains("ZIPKIN_URL=http://\(host):9411/api/v2/spans"))
        }
    }
}

/// compose/lab.json is what `tracelab run --target compose` reads: ComposeLab's state, so
/// scenarios that change routes, faults and propagation at runtime reach the compose lab's
/// admin APIs on the published ports.
@Suite("compose/lab.json")
struct ComposeLabStateTests {
    static let path = "compose/lab.json"

    @Test("is ComposeLab's state (regenerate with TRACELAB_WRITE_COMPOSE_LAB_JSON=1)")
    func matchesComposeLab() throws {
        let expected = try ComposeLab.state()
        if ProcessInfo.processInfo.environment["TRACELAB_WRITE_COMPOSE_LAB_JSON"] == "1" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try (try encoder.encode(expected) + Data("\n".utf8)).write(to: DeployFiles.root.appendingPathComponent(Self.path))
        }
        let stored = try JSONDecoder().decode(LabState.self, from: Data(try DeployFiles.text(Self.path).utf8))
        #expect(stored == expected)
    }

    @Test("sends route changes to pods by name and admin calls to the host's published ports")
    func addressing() throws {
        let state = try ComposeLab.state()
        let reviews2 = try #require(state.plan.sidecar(of: ServiceInstance(service: .reviews, version: "v2")))
        #expect(reviews2.inbound.description == "reviews-v2:15012")
        #expect(state.sidecar(nodeID: "reviews-v2")?.adminURL == "http://127.0.0.1:15014")
        #expect(state.app(nodeID: "reviews-v2")?.adminURL == "http://127.0.0.1:15012/admin/propagation")
        #expect(state.processes.allSatisfy { $0.role != .collector }, "no collector PID to signal in compose")
        let target = try ComposeLab.target()
        #expect(target.entries[.bookinfo] == "http://127.0.0.1:9080")
        #expect(target.entries[.chain] == "http://127.0.0.1:8080")
        #expect((target.backend as? ZipkinAPIBackend)?.baseURL == "http://127.0.0.1:9411")
    }
}
