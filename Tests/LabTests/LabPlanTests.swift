import Foundation
import LabModel
import Testing

@Suite("Lab plan")
struct LabPlanTests {
    @Test("the default bookinfo plan puts the entries and collector on their fixed ports and the rest in the base block")
    func defaultPorts() throws {
        let plan = try LabPlan.make(LabConfiguration(selection: .bookinfo))
        let productpage = try #require(plan.sidecar(of: ServiceInstance(service: .productpage, version: "v1")))
        #expect(productpage.inbound == HostPort(host: "127.0.0.1", port: 9080))
        #expect(plan.collector == HostPort(host: "127.0.0.1", port: 9411))
        let reviews2 = try #require(plan.sidecar(of: ServiceInstance(service: .reviews, version: "v2")))
        #expect(reviews2.inbound.port == 15012)
        #expect(reviews2.outbound.port == 15013)
        #expect(reviews2.admin.port == 15014)
        #expect(reviews2.app.port == 15015)
        #expect(plan.entries == [LabEntry(lab: .bookinfo, url: "http://127.0.0.1:9080/productpage")])
        #expect(plan.zipkinURL == "http://127.0.0.1:9411/api/v2/spans")
    }

    @Test("bookinfo has 6 services with 6 sidecars and a collector: 13 processes, every port distinct")
    func processCount() throws {
        let plan = try LabPlan.make(LabConfiguration(selection: .bookinfo))
        #expect(plan.processes.count == 13)
        #expect(plan.processes.first?.role == .collector)
        let ports = plan.listeningPorts.map(\.port)
        #expect(Set(ports).count == ports.count)
        #expect(Set(plan.processes.map(\.name)).count == plan.processes.count)
    }

    @Test("the chain gets the same ports whether started alone or with bookinfo")
    func chainPortsAreStable() throws {
        let alone = try LabPlan.make(LabConfiguration(selection: .chain))
        let both = try LabPlan.make(LabConfiguration(selection: .all))
        for sidecar in alone.sidecars {
            #expect(both.sidecar(of: sidecar.instance) == sidecar)
        }
        #expect(alone.entries == [LabEntry(lab: .chain, url: "http://127.0.0.1:8080/")])
        #expect(both.entries.count == 2)
    }

    @Test("productpage's sidecar routes reviews to the three versions, 34/33/33")
    func reviewsRoute() throws {
        let plan = try LabPlan.make(LabConfiguration(selection: .bookinfo))
        let productpage = try #require(plan.sidecar(of: ServiceInstance(service: .productpage, version: "v1")))
        #expect(productpage.routes.map(\.service) == [.details, .reviews])
        let reviews = try #require(productpage.routes.last)
        #expect(reviews.argument == "reviews=127.0.0.1:15008@34,127.0.0.1:15012@33,127.0.0.1:15016@33")
    }

    @Test("the reviews-v2 sidecar's arguments are exactly the proxy contract's flags")
    func proxyArguments() throws {
        let plan = try LabPlan.make(LabConfiguration(selection: .bookinfo, sampling: 0.5, proxyPropagation: "b3multi,w3c"))
        let sidecar = try #require(plan.sidecar(of: ServiceInstance(service: .reviews, version: "v2")))
        let arguments = LaunchArguments.proxy(sidecar, zipkinURL: plan.zipkinURL, sampling: 0.5, propagation: "b3multi,w3c")
        #expect(arguments == [
            "proxy", "--service", "reviews", "--node-id", "reviews-v2",
            "--inbound", "127.0.0.1:15012", "--app", "127.0.0.1:15015", "--outbound", "127.0.0.1:15013",
            "--route", "ratings=127.0.0.1:15020@100",
            "--zipkin", "http://127.0.0.1:9411/api/v2/spans", "--admin", "127.0.0.1:15014",
            "--sampling", "0.5", "--propagation", "b3multi,w3c",
        ])
        let process = try #require(plan.processes.first { $0.name == "reviews-v2-proxy" })
        #expect(process.arguments == arguments)
        #expect(process.healthURL == "http://127.0.0.1:15014/ready")
        #expect(process.logFile == ".tracelab/logs/reviews-v2-proxy.log")
    }

    @Test("a service's arguments carry its version, a planted mode, the collector (app spans can be switched on) and app spans only when asked")
    func serviceArguments() throws {
        let configuration = LabConfiguration(selection: .bookinfo, appSpans: true, propagationModes: ["reviews-v2": .dropB3])
        let plan = try LabPlan.make(configuration)
        let app = try #require(plan.app(of: ServiceInstance(service: .reviews, version: "v2")))
        #expect(LaunchArguments.service(app, zipkinURL: plan.zipkinURL, appSpans: true) == [
            "service", "reviews", "--listen", "127.0.0.1:15015", "--proxy", "127.0.0.1:15013", "--version", "v2",
            "--propagation", "drop-b3", "--zipkin", "http://127.0.0.1:9411/api/v2/spans", "--app-spans",
        ])
        let details = try #require(plan.app(of: ServiceInstance(service: .details, version: "v1")))
        #expect(LaunchArguments.service(details, zipkinURL: plan.zipkinURL) == [
            "service", "details", "--listen", "127.0.0.1:15007", "--proxy", "127.0.0.1:15005", "--version", "v1",
            "--zipkin", "http://127.0.0.1:9411/api/v2/spans",
        ])
        #expect(LaunchArguments.service(details, zipkinURL: nil) == [
            "service", "details", "--listen", "127.0.0.1:15007", "--proxy", "127.0.0.1:15005", "--version", "v1",
        ])
        #expect(LaunchArguments.collector(listen: plan.collector) == ["collector", "--listen", "127.0.0.1:9411", "--storage", "memory"])

        // OTLP app spans go to the collector's /v1/traces; lab.json files without the field are Zipkin.
        var otlp = configuration
        otlp.appSpansProtocol = .otlp
        let otlpPlan = try LabPlan.make(otlp)
        let ratings = try #require(otlpPlan.processes.first { $0.name == "ratings-v1" })
        #expect(Array(ratings.arguments.suffix(5)) == ["--app-spans", "--app-spans-protocol", "otlp", "--otlp", "http://127.0.0.1:9411/v1/traces"])
        let decoded = try JSONDecoder().decode(LabConfiguration.self, from: JSONEncoder().encode(configuration))
        #expect(decoded.appSpansProtocol == nil)
        #expect(try LabPlan.make(decoded).processes.first { $0.name == "ratings-v1" }?.arguments.contains("--otlp") == false)
    }

    @Test("a base port without room for the block is refused with the range to use")
    func basePortOutOfRange() {
        #expect(throws: LabModelError(.basePortOutOfRange(65530, needed: LabPlan.blockSize))) {
            try LabPlan.make(LabConfiguration(basePort: 65530))
        }
    }

    @Test("a collector port inside the block is a collision naming both processes")
    func collision() throws {
        do {
            _ = try LabPlan.make(LabConfiguration(basePort: 15000, collectorPort: 15015))
            Issue.record("expected a collision")
        } catch {
            guard case .portCollision(let port, _, _) = error.reason else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(port == 15015)
            #expect(error.description.contains("15015"))
        }
    }

    @Test("without sidecars the apps call each other directly and the entry is the app; without tracing the sidecars get no --zipkin")
    func meshModes() throws {
        var configuration = LabConfiguration(selection: .bookinfo)
        configuration.sidecars = false
        let bare = try LabPlan.make(configuration)
        #expect(bare.processes.map(\.role).filter { $0 == .proxy }.isEmpty)
        #expect(bare.processes.count == 7, "the collector and six apps")
        #expect(bare.entries == [LabEntry(lab: .bookinfo, url: "http://127.0.0.1:15003/productpage")])
        let productpage = try #require(bare.processes.first { $0.name == "productpage-v1" })
        #expect(productpage.arguments.contains("details=127.0.0.1:15007"))
        #expect(productpage.arguments.contains("reviews=127.0.0.1:15011,127.0.0.1:15015,127.0.0.1:15019"))
        let ratings = try #require(bare.processes.first { $0.name == "ratings-v1" })
        #expect(!ratings.arguments.contains("--direct"))

        var quiet = LabConfiguration(selection: .chain)
        quiet.tracing = false
        let untraced = try LabPlan.make(quiet)
        #expect(untraced.processes.filter { $0.role == .proxy }.allSatisfy { !$0.arguments.contains("--zipkin") })
        #expect(try LabPlan.make(LabConfiguration(selection: .chain)).processes.filter { $0.role == .proxy }.allSatisfy { $0.arguments.contains("--zipkin") })
    }
}
