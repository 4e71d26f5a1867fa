import LabModel
import Scenario
import Testing

/// deploy/k8s/ against LabModel: one Deployment (app + sidecar) and one Service per instance,
/// the sidecar's flags the planned ones once the ConfigMaps' values are put in.
@Suite("Kubernetes manifests match LabModel")
struct KubernetesTopologyTests {
    let plan: LabPlan
    let objects: [[String: Any]]
    let configMaps: [String: [String: Any]]

    init() throws {
        plan = try ComposeLab.plan()
        var all: [[String: Any]] = []
        for file in ["config", "collector", "bookinfo", "chain"] {
            all += try DeployFiles.yamlDocuments("deploy/k8s/\(file).yaml")
        }
        objects = all
        var maps: [String: [String: Any]] = [:]
        for object in all where object.string("kind") == "ConfigMap" {
            maps[object.map("metadata").string("name") ?? ""] = object.map("data")
        }
        configMaps = maps
    }

    func object(_ kind: String, _ name: String) throws -> [String: Any] {
        try #require(objects.first { $0.string("kind") == kind && $0.map("metadata").string("name") == name }, "no \(kind) \(name)")
    }

    /// `$(VAR)` → the ConfigMap value the container's env var refers to.
    func resolved(_ arguments: [String], env: [Any]) -> [String] {
        var values: [String: String] = [:]
        for case let variable as [String: Any] in env {
            let ref = variable.map("valueFrom").map("configMapKeyRef")
            if let name = variable.string("name"), let map = ref.string("name"), let key = ref.string("key") {
                values[name] = configMaps[map]?.string(key)
            }
        }
        return arguments.map { argument in
            var text = argument
            for (name, value) in values { text = text.replacingOccurrences(of: "$(\(name))", with: value) }
            return text
        }
    }

    @Test("each instance is a Deployment of its app and a tracelab-proxy sidecar with the planned flags")
    func deployments() throws {
        let zipkin = try #require(configMaps["tracelab-config"]?.string("zipkin-url"))
        #expect(zipkin == ComposeLab.zipkinURL)
        for sidecar in plan.sidecars {
            let node = sidecar.instance.nodeID
            let deployment = try object("Deployment", node)
            let containers = deployment.map("spec").map("template").map("spec").list("containers").compactMap { $0 as? [String: Any] }
            #expect(containers.map { $0.string("name") } == ["app", "tracelab-proxy"])
            guard containers.count == 2, let app = plan.app(of: sidecar.instance) else { continue }
            #expect(containers[0].strings("command") == [sidecar.instance.service.rawValue])
            #expect(resolved(containers[0].strings("args"), env: containers[0].list("env")) == ComposeLab.appArguments(app, zipkinURL: zipkin))
            #expect(containers[1].strings("command") == ["tracelab-proxy"])
            #expect(resolved(containers[1].strings("args"), env: containers[1].list("env")) == ComposeLab.proxyArguments(sidecar, zipkinURL: zipkin))
        }
    }

    @Test("each instance's Service exposes its sidecar's inbound and admin ports to its pod only")
    func services() throws {
        for sidecar in plan.sidecars {
            let service = try object("Service", sidecar.instance.nodeID).map("spec")
            #expect(service.map("selector").string("tracelab/node-id") == sidecar.instance.nodeID)
            let ports = service.list("ports").compactMap { ($0 as? [String: Any])?["port"] as? Int }
            #expect(ports == [sidecar.inbound.port, sidecar.admin.port])
        }
        let collector = try object("Service", "collector").map("spec")
        #expect(collector.list("ports").compactMap { ($0 as? [String: Any])?["port"] as? Int } == [plan.collector.port])
    }

    @Test("kustomization lists every manifest in the tracelab namespace")
    func kustomization() throws {
        let kustomization = try DeployFiles.yaml("deploy/k8s/kustomization.yaml")
        #expect(kustomization.string("namespace") == "tracelab")
        #expect(Set(kustomization.strings("resources")) == ["namespace.yaml", "config.yaml", "collector.yaml", "bookinfo.yaml", "chain.yaml"])
    }
}
