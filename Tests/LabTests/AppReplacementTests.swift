import LabModel
import Testing

@Suite("Bring your own app: --replace and the app contract")
struct AppReplacementTests {
    @Test("INSTANCE=HOST:PORT names an app the user runs; INSTANCE=cmd:COMMAND one the lab runs")
    func parsesBothForms() throws {
        let address = try AppReplacement(parsing: "ratings-v1=127.0.0.1:9000")
        #expect(address.instance == ServiceInstance(service: .ratings, version: "v1"))
        #expect(address.source == .address(HostPort(host: "127.0.0.1", port: 9000)))
        let command = try AppReplacement(parsing: "Reviews-V2=cmd: python3 app.py --port=1 ")
        #expect(command.instance == ServiceInstance(service: .reviews, version: "v2"))
        #expect(command.source == .command("python3 app.py --port=1"))
        #expect(command.description == "reviews-v2=cmd:python3 app.py --port=1")
        let ipv6 = try AppReplacement(parsing: "service-b-v1=[::1]:8000")
        #expect(ipv6.source == .address(HostPort(host: "::1", port: 8000)))
    }

    @Test("bad values name the problem", arguments: [
        ("ratings-v9=127.0.0.1:9000", "ratings-v9"),
        ("ratings-v1", "INSTANCE=HOST:PORT"),
        ("ratings-v1=cmd:", "empty"),
        ("ratings-v1=127.0.0.1", "neither HOST:PORT nor cmd:COMMAND"),
        ("ratings-v1=127.0.0.1:70000", "neither HOST:PORT nor cmd:COMMAND"),
        ("=127.0.0.1:9000", "=127.0.0.1:9000"),
    ])
    func rejects(value: String, mentions: String) {
        #expect {
            _ = try AppReplacement(parsing: value)
        } throws: { error in
            (error as? LabModelError)?.description.contains(mentions) == true
        }
    }

    @Test("one instance replaced twice is an error naming both")
    func duplicate() throws {
        let first = try AppReplacement(parsing: "ratings-v1=127.0.0.1:9000")
        let second = try AppReplacement(parsing: "ratings-v1=cmd:python3 app.py")
        #expect(throws: LabModelError.self) { try AppReplacement.byNode([first, second]) }
        #expect(try AppReplacement.byNode([first]).keys.sorted() == ["ratings-v1"])
    }

    @Test("the contract gives the app its port, outbound, collector and the sidecars' formats in OpenTelemetry's names")
    func environment() {
        let contract = AppContract(
            instance: ServiceInstance(service: .reviews, version: "v2"), port: 15015,
            outbound: HostPort(host: "127.0.0.1", port: 15013),
            zipkinURL: "http://127.0.0.1:9411/api/v2/spans", collectorURL: "http://127.0.0.1:9411",
            formats: ["b3multi", "b3single", "w3c"]
        )
        let environment = contract.environment
        #expect(environment["PORT"] == "15015")
        #expect(environment["TRACELAB_SERVICE"] == "reviews")
        #expect(environment["TRACELAB_INSTANCE"] == "reviews-v2")
        #expect(environment["TRACELAB_OUTBOUND"] == "127.0.0.1:15013")
        #expect(environment["TRACELAB_ZIPKIN_URL"] == "http://127.0.0.1:9411/api/v2/spans")
        #expect(environment["OTEL_SERVICE_NAME"] == "reviews")
        #expect(environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:9411")
        #expect(environment["OTEL_PROPAGATORS"] == "b3multi,b3,tracecontext,baggage")
        #expect(environment["OTEL_TRACES_EXPORTER"] == "otlp")

        var b3Only = contract
        b3Only.formats = ["b3multi"]
        b3Only.collectorURL = nil
        #expect(b3Only.environment["OTEL_PROPAGATORS"] == "b3multi")
        #expect(b3Only.environment["OTEL_TRACES_EXPORTER"] == "none")
        #expect(b3Only.environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == nil)
    }

    @Test("a replaced instance keeps its sidecar; its sidecar forwards to the user's app, which gets no lab process or one shell process")
    func plan() throws {
        var configuration = LabConfiguration(selection: .bookinfo, proxyPropagation: "b3multi,w3c")
        configuration.replacements = try AppReplacement.byNode([
            AppReplacement(parsing: "ratings-v1=127.0.0.1:9000"),
            AppReplacement(parsing: "reviews-v2=cmd:python3 app.py"),
        ])
        let plan = try LabPlan.make(configuration)
        let ratings = ServiceInstance(service: .ratings, version: "v1")
        let reviews = ServiceInstance(service: .reviews, version: "v2")
        #expect(plan.sidecar(of: ratings)?.app == HostPort(host: "127.0.0.1", port: 9000))
        #expect(!plan.processes.contains { $0.name == "ratings-v1" }, "the user runs ratings-v1's app")
        #expect(plan.processes.contains { $0.name == "ratings-v1-proxy" })
        let user = try #require(plan.processes.first { $0.name == "reviews-v2" })
        #expect(user.role == .userApp)
        #expect(user.arguments == ["-c", "python3 app.py"])
        let sidecar = try #require(plan.sidecar(of: reviews))
        #expect(user.healthURL == "tcp://\(sidecar.app)")
        #expect(user.environment["PORT"] == String(sidecar.app.port))
        #expect(user.environment["TRACELAB_OUTBOUND"] == sidecar.outbound.description)
        #expect(user.environment["OTEL_PROPAGATORS"] == "b3multi,tracecontext,baggage")
        #expect(user.adminURL == nil, "the lab cannot plant bugs in the user's app")
        #expect(plan.processes.count == 12)
    }
}
