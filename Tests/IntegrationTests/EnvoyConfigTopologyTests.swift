import LabModel
import Scenario
import Testing
import Zipkin

/// compose/envoy/*.yaml (real Envoy sidecars) against LabModel: same listeners, app, routes
/// and weights as the tracelab-proxy sidecars.
@Suite("Envoy sidecar configs match LabModel")
struct EnvoyConfigTopologyTests {
    let plan: LabPlan

    init() throws {
        plan = try ComposeLab.plan()
    }

    struct Listener {
        var port: Int?
        var virtualHosts: [[String: Any]]
        var tracing: [String: Any]
    }

    func listeners(_ config: [String: Any]) -> [String: Listener] {
        var result: [String: Listener] = [:]
        for case let listener as [String: Any] in config.map("static_resources").list("listeners") {
            let port = listener.map("address").map("socket_address")["port_value"] as? Int
            let manager = (listener.list("filter_chains").first as? [String: Any] ?? [:])
                .list("filters").first as? [String: Any] ?? [:]
            let typed = manager.map("typed_config")
            let hosts = typed.map("route_config").list("virtual_hosts").compactMap { $0 as? [String: Any] }
            result[listener.string("name") ?? ""] = Listener(port: port, virtualHosts: hosts, tracing: typed.map("tracing"))
        }
        return result
    }

    func clusters(_ config: [String: Any]) -> [String: String] {
        var result: [String: String] = [:]
        for case let cluster as [String: Any] in config.map("static_resources").list("clusters") {
            let endpoint = ((cluster.map("load_assignment").list("endpoints").first as? [String: Any] ?? [:])
                .list("lb_endpoints").first as? [String: Any] ?? [:]).map("endpoint").map("address").map("socket_address")
            result[cluster.string("name") ?? ""] = "\(endpoint.string("address") ?? "?"):\(endpoint.string("port_value") ?? "?")"
        }
        return result
    }

    @Test("each sidecar's Envoy listens on the planned inbound, outbound and admin ports")
    func ports() throws {
        for sidecar in plan.sidecars {
            let config = try DeployFiles.yaml("compose/envoy/\(sidecar.instance.nodeID).yaml")
            let found = listeners(config)
            #expect(found["inbound"]?.port == sidecar.inbound.port)
            #expect(found["outbound"]?.port == sidecar.outbound.port)
            #expect(config.map("admin").map("address").map("socket_address")["port_value"] as? Int == sidecar.admin.port)
            #expect(clusters(config)["app"] == "127.0.0.1:\(sidecar.app.port)")
            #expect(config.map("node").string("id") == sidecar.instance.nodeID)
            #expect(config.map("node").string("cluster") == sidecar.instance.service.rawValue)
        }
    }

    @Test("outbound routes pick the callees' pods by Host with the planned weights")
    func routes() throws {
        for sidecar in plan.sidecars {
            let config = try DeployFiles.yaml("compose/envoy/\(sidecar.instance.nodeID).yaml")
            let hosts = listeners(config)["outbound"]?.virtualHosts ?? []
            let clusterAddresses = clusters(config)
            for route in sidecar.routes {
                let host = try #require(hosts.first { $0.string("name") == route.service.rawValue }, "\(sidecar.instance.nodeID): no route for \(route.service)")
                #expect(host.strings("domains") == [route.service.rawValue, "\(route.service.rawValue):*"])
                let action = (host.list("routes").first as? [String: Any] ?? [:]).map("route")
                var weighted: [(String, Int)] = action.map("weighted_clusters").list("clusters").compactMap {
                    guard let cluster = $0 as? [String: Any], let name = cluster.string("name"), let weight = cluster["weight"] as? Int else { return nil }
                    return (name, weight)
                }
                if let single = action.string("cluster") { weighted = [(single, 100)] }
                #expect(weighted.map { "\(clusterAddresses[$0.0] ?? "?")@\($0.1)" } == route.endpoints.map { "\($0.address)@\($0.weight)" })
            }
            #expect(hosts.count == sidecar.routes.count + 1, "one virtual host per route plus the 404 catch-all")
        }
    }

    @Test("both listeners trace with Zipkin HTTP_JSON to the collector, B3 shared spans, every request")
    func tracing() throws {
        for sidecar in plan.sidecars {
            let config = try DeployFiles.yaml("compose/envoy/\(sidecar.instance.nodeID).yaml")
            for (name, listener) in listeners(config) {
                let zipkin = listener.tracing.map("provider").map("typed_config")
                #expect(zipkin.string("collector_endpoint_version") == "HTTP_JSON", "\(sidecar.instance.nodeID) \(name)")
                #expect(zipkin.string("collector_endpoint") == "/api/v2/spans")
                #expect(zipkin["shared_span_context"] as? Bool == true)
                #expect(listener.tracing.map("random_sampling")["value"] as? Int == 100)
            }
            #expect(clusters(config)["zipkin"] == "collector:\(plan.collector.port)")
        }
    }

    @Test("outbound clusters are named Istio-style, so Envoy's CLIENT spans name their callee")
    func clusterNames() throws {
        for sidecar in plan.sidecars {
            let config = try DeployFiles.yaml("compose/envoy/\(sidecar.instance.nodeID).yaml")
            let hosts = listeners(config)["outbound"]?.virtualHosts ?? []
            for route in sidecar.routes {
                let host = try #require(hosts.first { $0.string("name") == route.service.rawValue })
                let action = (host.list("routes").first as? [String: Any] ?? [:]).map("route")
                let names = action.string("cluster").map { [$0] }
                    ?? action.map("weighted_clusters").list("clusters").compactMap { ($0 as? [String: Any])?.string("name") }
                #expect(names.count == route.endpoints.count, "\(sidecar.instance.nodeID) -> \(route.service)")
                for name in names {
                    // What the analysis and the scenario verifier read from the span's upstream_cluster tag.
                    #expect(ZipkinSpan.istioClusterService(name) == route.service.rawValue, "\(sidecar.instance.nodeID): cluster \(name)")
                }
            }
        }
    }

    @Test("x-request-id passes every Envoy unchanged (no trace reason packed into it)")
    func requestIDKept() throws {
        for sidecar in plan.sidecars {
            let config = try DeployFiles.yaml("compose/envoy/\(sidecar.instance.nodeID).yaml")
            for case let listener as [String: Any] in config.map("static_resources").list("listeners") {
                let manager = (listener.list("filter_chains").first as? [String: Any] ?? [:]).list("filters").first as? [String: Any] ?? [:]
                let uuid = manager.map("typed_config").map("request_id_extension").map("typed_config")
                #expect(uuid.string("@type") == "type.googleapis.com/envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig")
                #expect(uuid["pack_trace_reason"] as? Bool == false, "\(sidecar.instance.nodeID) \(listener.string("name") ?? "?")")
            }
        }
    }

    @Test("the envoy override swaps every sidecar and nothing else")
    func override() throws {
        let override = try DeployFiles.yaml("compose/docker-compose.envoy.yaml").map("services")
        #expect(Set(override.keys) == Set(plan.sidecars.map { "\($0.instance.nodeID)-proxy" }))
        for sidecar in plan.sidecars {
            let service = override.map("\(sidecar.instance.nodeID)-proxy")
            #expect(service.strings("command").prefix(2) == ["-c", "/etc/envoy/\(sidecar.instance.nodeID).yaml"])
        }
    }
}
