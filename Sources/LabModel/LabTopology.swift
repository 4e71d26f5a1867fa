/// Who calls whom in the labs: the one description the services, the port plan, the
/// scenario verifier and the compose/k8s files derive from.
public enum LabTopology {
    /// Every call of both labs, in the order a handler makes them.
    public static let calls: [ServiceCall] = [
        ServiceCall(caller: .productpage, callee: .details, pathTemplate: "/details/{id}"),
        ServiceCall(caller: .productpage, callee: .reviews, pathTemplate: "/reviews/{id}"),
        ServiceCall(caller: .reviews, callerVersions: ["v2", "v3"], callee: .ratings, pathTemplate: "/ratings/{id}"),
        ServiceCall(caller: .serviceA, callee: .serviceB, pathTemplate: "/"),
        ServiceCall(caller: .serviceB, callee: .serviceC, pathTemplate: "/"),
    ]

    /// The service whose sidecar takes the lab's outside traffic.
    public static func entryService(of lab: LabName) -> ServiceName {
        switch lab {
        case .bookinfo: .productpage
        case .chain: .serviceA
        }
    }

    /// The path a user requests at the entry (`/productpage`, `/`).
    public static func entryPath(of lab: LabName) -> String {
        switch lab {
        case .bookinfo: "/productpage"
        case .chain: "/"
        }
    }

    /// The calls `instance` makes for one entry request.
    public static func calls(madeBy instance: ServiceInstance) -> [ServiceCall] {
        calls.filter { $0.isMade(by: instance) }
    }

    /// The services `service` calls in any of its versions (what its sidecar needs routes for).
    public static func callees(of service: ServiceName) -> [ServiceName] {
        var result: [ServiceName] = []
        for call in calls where call.caller == service && !result.contains(call.callee) {
            result.append(call.callee)
        }
        return result
    }

    /// The default traffic split between a service's versions: equal, in percent like an
    /// Istio VirtualService, the remainder going to the first versions (reviews: 34/33/33).
    public static func defaultWeights(for service: ServiceName) -> [(version: String, weight: Int)] {
        let versions = service.versions
        let share = 100 / versions.count
        let remainder = 100 % versions.count
        return versions.enumerated().map { index, version in
            (version: version, weight: share + (index < remainder ? 1 : 0))
        }
    }

    /// The hops one entry request crosses when each service answers with the given version
    /// (default v1; reviews must be chosen as only one version serves a request). Used by the
    /// verifier to check that every expected hop is present.
    public static func expectedHops(of lab: LabName, versions: [ServiceName: String] = [:]) -> [LabHop] {
        var hops: [LabHop] = []
        func visit(_ instance: ServiceInstance) {
            for call in calls(madeBy: instance) {
                let callee = ServiceInstance(service: call.callee, version: versions[call.callee] ?? call.callee.versions[0])
                hops.append(LabHop(caller: instance, callee: callee, path: call.pathTemplate))
                visit(callee)
            }
        }
        let entry = entryService(of: lab)
        visit(ServiceInstance(service: entry, version: versions[entry] ?? entry.versions[0]))
        return hops
    }
}

/// One caller → callee crossing of a request.
public struct LabHop: Hashable, Sendable, Codable, CustomStringConvertible {
    public var caller: ServiceInstance
    public var callee: ServiceInstance
    public var pathTemplate: String

    public init(caller: ServiceInstance, callee: ServiceInstance, path: String) {
        self.caller = caller
        self.callee = callee
        self.pathTemplate = path
    }

    /// The hop as reports name it: `reviews-v2 -> ratings` (caller node, callee service, since
    /// the caller's sidecar only knows the destination service).
    public var description: String { "\(caller.nodeID) -> \(callee.service.rawValue)" }
}
