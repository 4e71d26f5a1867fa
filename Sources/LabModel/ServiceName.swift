/// A service of the lab, by the name its sidecar reports (`localEndpoint.serviceName`) and the
/// `Host` header callers use.
public enum ServiceName: String, CaseIterable, Codable, Hashable, Sendable, CustomStringConvertible {
    case productpage
    case details
    case reviews
    case ratings
    case serviceA = "service-a"
    case serviceB = "service-b"
    case serviceC = "service-c"

    public var description: String { rawValue }

    public var lab: LabName {
        switch self {
        case .productpage, .details, .reviews, .ratings: .bookinfo
        case .serviceA, .serviceB, .serviceC: .chain
        }
    }

    /// The versions deployed side by side. Only reviews has more than one, as in bookinfo.
    public var versions: [String] {
        switch self {
        case .reviews: ["v1", "v2", "v3"]
        default: ["v1"]
        }
    }

    /// Every instance of this service, in version order.
    public var instances: [ServiceInstance] {
        versions.map { ServiceInstance(service: self, version: $0) }
    }
}
