@testable import Scenario
import Testing

@Suite("--backend zipkin:URL | jaeger:URL")
struct TraceBackendAddressTests {
    @Test("reads the kind and a normalised base URL", arguments: [
        ("zipkin:http://127.0.0.1:9411", TraceBackendAddress.Kind.zipkin, "http://127.0.0.1:9411"),
        ("zipkin:http://127.0.0.1:9411/", .zipkin, "http://127.0.0.1:9411"),
        ("zipkin:http://127.0.0.1:9411/api/v2/spans", .zipkin, "http://127.0.0.1:9411"),
        ("zipkin:http://127.0.0.1:9411/api/v2", .zipkin, "http://127.0.0.1:9411"),
        ("ZIPKIN:HTTP://Collector:9411", .zipkin, "http://collector:9411"),
        ("zipkin:https://traces.example.org/zipkin/", .zipkin, "https://traces.example.org/zipkin"),
        ("jaeger:http://127.0.0.1:16686", .jaeger, "http://127.0.0.1:16686"),
        ("jaeger:http://jaeger:16686/api", .jaeger, "http://jaeger:16686"),
        ("jaeger:http://jaeger:16686/search", .jaeger, "http://jaeger:16686"),
        ("jaeger:http://[::1]:16686/jaeger/", .jaeger, "http://[::1]:16686/jaeger"),
        (" jaeger:http://localhost:16686 ", .jaeger, "http://localhost:16686"),
    ])
    func parses(input: String, kind: TraceBackendAddress.Kind, baseURL: String) throws {
        let address = try TraceBackendAddress.parse(input)
        #expect(address.kind == kind)
        #expect(address.baseURL == baseURL)
        #expect(address.description == "\(kind.rawValue):\(baseURL)")
    }

    @Test("rejects bad input with a message naming the problem", arguments: [
        ("http://127.0.0.1:9411", "zipkin:' or 'jaeger:' prefix"),
        ("127.0.0.1:9411", "unknown backend kind '127.0.0.1'"),
        ("tempo:http://127.0.0.1:3200", "unknown backend kind 'tempo'"),
        ("zipkin", "no 'zipkin:' or 'jaeger:' prefix"),
        ("zipkin:", "must start with http:// or https://"),
        ("zipkin:127.0.0.1:9411", "must start with http:// or https://"),
        ("jaeger:http://", "no host"),
        ("jaeger:http://:16686", "no host"),
        ("jaeger:http://jaeger:99999", "port '99999'"),
        ("jaeger:http://jaeger:port", "port 'port'"),
        ("zipkin:http://[::1:9411", "unclosed '['"),
        ("zipkin:http://user:secret@zipkin:9411", "credentials"),
        ("zipkin:http://zipkin:9411/?x=1", "query or fragment"),
    ])
    func rejects(input: String, expected: String) {
        #expect {
            try TraceBackendAddress.parse(input)
        } throws: { error in
            guard let error = error as? TraceBackendError, case .invalidAddress(let echoed, _) = error.reason else { return false }
            return echoed == input && error.description.contains(expected) && error.description.contains("zipkin:http://HOST:PORT")
        }
    }

    @Test("makes the backend of its kind")
    func makesBackend() throws {
        let transport = RecordedTransport()
        let zipkin = try TraceBackendAddress.parse("zipkin:http://127.0.0.1:9411").makeBackend(transport: transport)
        let jaeger = try TraceBackendAddress.parse("jaeger:http://127.0.0.1:16686").makeBackend(transport: transport)
        #expect((zipkin as? ZipkinAPIBackend)?.baseURL == "http://127.0.0.1:9411")
        #expect((jaeger as? JaegerAPIBackend)?.baseURL == "http://127.0.0.1:16686")
    }
}
