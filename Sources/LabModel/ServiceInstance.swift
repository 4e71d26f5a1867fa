/// One deployed version of a service: one app process next to one sidecar.
public struct ServiceInstance: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var service: ServiceName
    public var version: String

    public init(service: ServiceName, version: String) {
        self.service = service
        self.version = version
    }

    /// Every instance of every lab in a fixed order. The port plan numbers instances by their
    /// position here, so the ports of the chain are the same whether `--lab chain` or
    /// `--lab all` started it.
    public static let all: [ServiceInstance] = ServiceName.allCases.flatMap(\.instances)

    /// The Envoy-style node id the sidecar tags spans with (`node_id`), and the name hops use
    /// in reports: `reviews-v2`.
    public var nodeID: String { "\(service.rawValue)-\(version)" }

    public var description: String { nodeID }

    /// Parses a node id such as `reviews-v2` or `service-a-v1`; nil for anything else.
    public init?(nodeID: String) {
        guard let match = ServiceInstance.all.first(where: { $0.nodeID == nodeID }) else { return nil }
        self = match
    }

    /// Position in `all`: stable across labs and releases of this file (new services go last).
    public var slot: Int {
        ServiceInstance.all.firstIndex(of: self) ?? ServiceInstance.all.count
    }

    public static func < (lhs: ServiceInstance, rhs: ServiceInstance) -> Bool {
        lhs.slot < rhs.slot
    }
}
