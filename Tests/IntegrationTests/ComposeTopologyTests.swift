import Foundation
import LabModel
import Scenario
import Testing

/// compose/docker-compose.yaml and compose/docker-compose.envoy.yaml against LabModel: the
/// same processes, flags, ports and routes as `tracelab up`, so the two labs cannot drift.
@Suite("compose lab matches LabModel")
struct ComposeTopologyTests {
    let compose: [String: Any]
    let services: [String: [String: Any]]
    let localPlan: LabPlan
    let plan: LabPlan

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

    @Test("has one service per process of the lab, plus the backends of the profiles")
    func sameProcesses() {
        let lab = Set(localPlan.processes.map(\.name))
        #expect(Set(services.keys) == lab.union(["jaeger", "otel-collector"]))
        for (name, service) in services where lab.contains(name) {
            #expect(service["profiles"] == nil, "\(name) must start without a profile")
        }
    }

    @Test("the collector listens on the planned port, published with its UI")
    func collector() throws {
        #expect(try command(of: "collector") == ["tracelab-collector"] + ComposeLab.collectorArguments(plan))
        let port = localPlan.collector.port
        #expect(try service("collector").strings("ports").map(DeployFiles.interpolatingDefaults) == ["127.0.0.1:\(port):\(port)"])
    }

    @Test("every app runs its service executable with the planned ports and version")
    func apps() throws {
        for app in plan.apps {
            #expect(try command(of: app.instance.nodeID) == [app.instance.service.rawValue] + ComposeLab.appArguments(app))
        }
    }

    @Test("every sidecar joins its app's network namespace and runs the planned proxy flags")
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

    @Test("health checks probe the app's /health and the sidecar's /ready on their planned ports")
    func healthChecks() throws {
        for sidecar in plan.sidecars {
            let node = sidecar.instance.nodeID
            let app = try service(node).map("healthcheck").strings("test")
            #expect(app.last == "http://127.0.0.1:\(sidecar.app.port)/health")
            let proxy = try service("\(node)-proxy").map("healthcheck").strings("test")
            #expect(proxy.last == "http://127.0.0.1:\(sidecar.admin.port)/ready")
            let dependsOn = try service("\(node)-proxy").map("depends_on")
            #expect(Set(dependsOn.keys) == [node, "collector"])
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
