/// Every process of a lab with its addresses, derived deterministically from a
/// `LabConfiguration`. Pure, so compose and Kubernetes files can be checked against it.
///
/// Port plan: instance number `slot` (its position in `ServiceInstance.all`) owns the four
/// ports `basePort + 4·slot + 0…3`: sidecar inbound, sidecar outbound, sidecar admin, app.
/// The entry sidecars (productpage, service-a) listen on their entry port instead of the
/// first one; the collector has its own port. With the default base port 15000 reviews-v2's
/// sidecar takes inbound 15012, outbound 15013, admin 15014, and its app 15015.
public struct LabPlan: Hashable, Sendable, Codable {
    public static let portsPerInstance = 4
    /// The size of the block starting at `basePort`.
    public static let blockSize = ServiceInstance.all.count * portsPerInstance

    public var configuration: LabConfiguration
    public var collector: HostPort
    public var apps: [AppPlan]
    public var sidecars: [SidecarPlan]

    public init(configuration: LabConfiguration, collector: HostPort, apps: [AppPlan], sidecars: [SidecarPlan]) {
        self.configuration = configuration
        self.collector = collector
        self.apps = apps
        self.sidecars = sidecars
    }

    /// Plans the loopback lab of `configuration`; throws when ports do not fit or collide.
    public static func make(_ configuration: LabConfiguration) throws(LabModelError) -> LabPlan {
        let base = configuration.basePort
        guard base >= 1, base + blockSize - 1 <= 65535 else {
            throw LabModelError(.basePortOutOfRange(base, needed: blockSize))
        }
        let host = configuration.host
        func address(_ port: Int) -> HostPort { HostPort(host: host, port: port) }
        /// The app's port, the last of its instance's four.
        func appAddress(_ instance: ServiceInstance) -> HostPort { address(base + instance.slot * portsPerInstance + 3) }

        let instances = configuration.selection.labs.flatMap { lab in lab.services.flatMap(\.instances) }
        var apps: [AppPlan] = []
        var sidecars: [SidecarPlan] = []
        var inboundByInstance: [ServiceInstance: HostPort] = [:]
        for instance in instances {
            let first = base + instance.slot * portsPerInstance
            let isEntry = LabTopology.entryService(of: instance.service.lab) == instance.service
            inboundByInstance[instance] = address(isEntry ? configuration.entryPort(of: instance.service.lab) : first)
        }
        for instance in instances {
            let first = base + instance.slot * portsPerInstance
            let outbound = address(first + 1)
            // A user's app the user runs listens where they said; one the lab starts gets the
            // instance's planned app port (its `PORT`).
            var listen = appAddress(instance)
            if case .address(let address)? = configuration.replacement(of: instance)?.source {
                listen = address
            }
            var app = AppPlan(
                instance: instance, listen: listen, proxy: outbound,
                propagation: configuration.propagationMode(of: instance)
            )
            let routes = LabTopology.callees(of: instance.service).map { callee in
                RoutePlan(service: callee, endpoints: LabTopology.defaultWeights(for: callee).compactMap { version, weight in
                    inboundByInstance[ServiceInstance(service: callee, version: version)].map {
                        RouteEndpoint(address: $0, weight: weight)
                    }
                })
            }
            if !configuration.hasSidecars {
                // Straight to the callees' apps, every version alike (no weights without a mesh).
                app.direct = LabTopology.callees(of: instance.service).map { callee in
                    RoutePlan(service: callee, endpoints: callee.instances.filter { instances.contains($0) }.map {
                        RouteEndpoint(address: appAddress($0), weight: 1)
                    })
                }
            }
            apps.append(app)
            sidecars.append(SidecarPlan(
                instance: instance,
                inbound: inboundByInstance[instance] ?? address(first),
                outbound: outbound,
                admin: address(first + 2),
                app: app.listen,
                routes: routes
            ))
        }
        let plan = LabPlan(configuration: configuration, collector: address(configuration.collectorPort), apps: apps, sidecars: sidecars)
        try plan.checkPortsAreDistinct()
        return plan
    }

    /// Every listening port with the name of the process that listens there.
    public var listeningPorts: [(port: Int, owner: String)] {
        processes.flatMap { process in process.ports.map { (port: $0.port, owner: "\(process.name) (\($0.name))") } }
    }

    func checkPortsAreDistinct() throws(LabModelError) {
        var owners: [Int: String] = [:]
        for (port, owner) in listeningPorts {
            if let first = owners[port] {
                throw LabModelError(.portCollision(port, first, owner))
            }
            owners[port] = owner
        }
    }

    /// The collector's OTLP/gRPC listener, when the lab has one.
    public var otlpGRPC: HostPort? {
        configuration.otlpGRPCPort.map { HostPort(host: configuration.host, port: $0) }
    }

    /// `http://host:port`, the collector's API and UI.
    public var collectorURL: String { collector.url() }
    /// The URL sidecars and apps POST spans to.
    public var zipkinURL: String { collector.url(path: "/api/v2/spans") }

    /// The labs' entry URLs, e.g. `http://127.0.0.1:9080/productpage`.
    public var entries: [LabEntry] {
        configuration.selection.labs.compactMap { lab in
            let service = LabTopology.entryService(of: lab)
            if !configuration.hasSidecars {
                guard let app = apps.first(where: { $0.instance.service == service }) else { return nil }
                return LabEntry(lab: lab, url: app.listen.url(path: LabTopology.entryPath(of: lab)))
            }
            guard let sidecar = sidecars.first(where: { $0.instance.service == service }) else { return nil }
            return LabEntry(lab: lab, url: sidecar.inbound.url(path: LabTopology.entryPath(of: lab)))
        }
    }

    public func sidecar(of instance: ServiceInstance) -> SidecarPlan? {
        sidecars.first { $0.instance == instance }
    }

    public func app(of instance: ServiceInstance) -> AppPlan? {
        apps.first { $0.instance == instance }
    }

    /// The processes in start order: the collector, then for each instance its app and its
    /// sidecar. Arguments exclude the binary (`tracelab` or `/proc/self/exe`).
    public var processes: [LabProcessSpec] {
        var result = [LabProcessSpec(
            name: "collector", role: .collector, instance: nil,
            arguments: LaunchArguments.collector(listen: collector, storage: configuration.collectorStorage, otlpGRPC: otlpGRPC,
                                                courseDirectory: configuration.courseDirectory, courseResults: configuration.courseResults),
            ports: [NamedPort(name: "listen", port: collector.port)] + (otlpGRPC.map { [NamedPort(name: "otlp-grpc", port: $0.port)] } ?? []),
            healthURL: collector.url(path: "/health"), adminURL: nil
        )]
        for sidecar in sidecars {
            if let replacement = configuration.replacement(of: sidecar.instance), let app = app(of: sidecar.instance) {
                if case .command(let command) = replacement.source {
                    let contract = AppContract(
                        instance: sidecar.instance, port: app.listen.port, outbound: app.proxy,
                        zipkinURL: configuration.reportsSpans ? zipkinURL : nil,
                        collectorURL: configuration.reportsSpans ? collectorURL : nil,
                        formats: configuration.sidecarFormats
                    )
                    result.append(LabProcessSpec(
                        name: sidecar.instance.nodeID, role: .userApp, instance: sidecar.instance,
                        arguments: ["-c", command], environment: contract.environment,
                        ports: [NamedPort(name: "listen", port: app.listen.port)],
                        healthURL: "tcp://\(app.listen)", adminURL: nil
                    ))
                }
            } else if let app = app(of: sidecar.instance) {
                result.append(LabProcessSpec(
                    name: sidecar.instance.nodeID, role: .service, instance: sidecar.instance,
                    arguments: LaunchArguments.service(
                        app, zipkinURL: configuration.reportsSpans ? zipkinURL : nil, appSpans: configuration.appSpans,
                        otlpURL: configuration.appSpansProtocol == .otlp ? collector.url(path: AppSpansProtocol.otlp.collectorPath) : nil),
                    ports: [NamedPort(name: "listen", port: app.listen.port)],
                    healthURL: app.listen.url(path: "/health"), adminURL: app.listen.url(path: "/admin/propagation")
                ))
            }
            guard configuration.hasSidecars else { continue }
            result.append(LabProcessSpec(
                name: "\(sidecar.instance.nodeID)-proxy", role: .proxy, instance: sidecar.instance,
                arguments: LaunchArguments.proxy(sidecar, zipkinURL: configuration.reportsSpans ? zipkinURL : nil,
                                                 sampling: configuration.sampling, propagation: configuration.proxyPropagation),
                ports: [
                    NamedPort(name: "inbound", port: sidecar.inbound.port),
                    NamedPort(name: "outbound", port: sidecar.outbound.port),
                    NamedPort(name: "admin", port: sidecar.admin.port),
                ],
                healthURL: sidecar.admin.url(path: "/ready"), adminURL: sidecar.admin.url()
            ))
        }
        return result
    }
}

/// A lab's entry point for users and the traffic driver.
public struct LabEntry: Hashable, Sendable, Codable {
    public var lab: LabName
    public var url: String

    public init(lab: LabName, url: String) {
        self.lab = lab
        self.url = url
    }
}

/// One app process: where it listens, which sidecar outbound it calls through, and its
/// start-up propagation mode.
public struct AppPlan: Hashable, Sendable, Codable {
    public var instance: ServiceInstance
    public var listen: HostPort
    /// The sidecar's outbound listener (`--proxy`).
    public var proxy: HostPort
    public var propagation: PropagationMode
    /// Callees it calls without a sidecar (`--direct`), in a lab without sidecars; else empty.
    public var direct: [RoutePlan]

    public init(instance: ServiceInstance, listen: HostPort, proxy: HostPort, propagation: PropagationMode = .forwardAll, direct: [RoutePlan] = []) {
        self.instance = instance
        self.listen = listen
        self.proxy = proxy
        self.propagation = propagation
        self.direct = direct
    }

    enum CodingKeys: String, CodingKey {
        case instance, listen, proxy, propagation, direct
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            instance: try container.decode(ServiceInstance.self, forKey: .instance),
            listen: try container.decode(HostPort.self, forKey: .listen),
            proxy: try container.decode(HostPort.self, forKey: .proxy),
            propagation: try container.decode(PropagationMode.self, forKey: .propagation),
            direct: try container.decodeIfPresent([RoutePlan].self, forKey: .direct) ?? []
        )
    }
}

/// One sidecar process.
public struct SidecarPlan: Hashable, Sendable, Codable {
    public var instance: ServiceInstance
    public var inbound: HostPort
    public var outbound: HostPort
    public var admin: HostPort
    /// The app it forwards inbound traffic to.
    public var app: HostPort
    public var routes: [RoutePlan]

    public init(instance: ServiceInstance, inbound: HostPort, outbound: HostPort, admin: HostPort, app: HostPort, routes: [RoutePlan]) {
        self.instance = instance
        self.inbound = inbound
        self.outbound = outbound
        self.admin = admin
        self.app = app
        self.routes = routes
    }
}

/// Where a sidecar sends outbound calls for one destination service.
public struct RoutePlan: Hashable, Sendable, Codable {
    public var service: ServiceName
    public var endpoints: [RouteEndpoint]

    public init(service: ServiceName, endpoints: [RouteEndpoint]) {
        self.service = service
        self.endpoints = endpoints
    }

    /// The proxy's `--route` value: `reviews=127.0.0.1:15008@34,127.0.0.1:15012@33,…`.
    public var argument: String {
        "\(service.rawValue)=" + endpoints.map { "\($0.address)@\($0.weight)" }.joined(separator: ",")
    }
}

public struct RouteEndpoint: Hashable, Sendable, Codable {
    public var address: HostPort
    public var weight: Int

    public init(address: HostPort, weight: Int) {
        self.address = address
        self.weight = weight
    }
}
