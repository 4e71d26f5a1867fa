import LabModel
import Testing

@Suite("Lab topology")
struct LabTopologyTests {
    @Test("the hops of one bookinfo request depend on the reviews version", arguments: [
        ("v1", ["productpage-v1 -> details", "productpage-v1 -> reviews"]),
        ("v2", ["productpage-v1 -> details", "productpage-v1 -> reviews", "reviews-v2 -> ratings"]),
        ("v3", ["productpage-v1 -> details", "productpage-v1 -> reviews", "reviews-v3 -> ratings"]),
    ])
    func bookinfoHops(version: String, expected: [String]) {
        let hops = LabTopology.expectedHops(of: .bookinfo, versions: [.reviews: version])
        #expect(hops.map(\.description) == expected)
    }

    @Test("the chain is service-a -> service-b -> service-c")
    func chainHops() {
        #expect(LabTopology.expectedHops(of: .chain).map(\.description) == ["service-a-v1 -> service-b", "service-b-v1 -> service-c"])
    }

    @Test("default weights split 100 equally, remainder first")
    func weights() {
        #expect(LabTopology.defaultWeights(for: .reviews).map(\.weight) == [34, 33, 33])
        #expect(LabTopology.defaultWeights(for: .ratings).map(\.weight) == [100])
    }

    @Test("node ids round-trip and name every instance", arguments: ServiceInstance.all)
    func nodeIDs(instance: ServiceInstance) {
        #expect(ServiceInstance(nodeID: instance.nodeID) == instance)
    }

    @Test("an unknown node id is nil")
    func unknownNode() {
        #expect(ServiceInstance(nodeID: "reviews-v4") == nil)
    }

    @Test("addresses parse and print", arguments: [
        ("127.0.0.1:9080", HostPort(host: "127.0.0.1", port: 9080)),
        ("localhost:1", HostPort(host: "localhost", port: 1)),
        ("[::1]:9411", HostPort(host: "::1", port: 9411)),
    ])
    func addresses(text: String, expected: HostPort) throws {
        #expect(try HostPort(parsing: text) == expected)
        #expect(expected.description == text)
    }

    @Test("bad addresses name the input", arguments: ["9080", "127.0.0.1:", ":9080", "127.0.0.1:0", "127.0.0.1:70000", "host:port"])
    func badAddresses(text: String) {
        #expect(throws: LabModelError(.invalidAddress(text))) { try HostPort(parsing: text) }
    }
}
