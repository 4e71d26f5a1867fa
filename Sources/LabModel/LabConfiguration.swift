/// What `tracelab up` was asked to start; `LabPlan.make` turns it into processes and ports.
public struct LabConfiguration: Hashable, Sendable, Codable {
    public static let defaultBasePort = 15000
    public static let defaultCollectorPort = 9411
    public static let defaultBookinfoEntryPort = 9080
    public static let defaultChainEntryPort = 8080
    public static let defaultOTLPGRPCPort = 4317
    /// Whether this build has the collector's OTLP/gRPC listener (the OTLPGRPC package trait,
    /// on by default); without it `tracelab up` starts none.
    public static let hasOTLPGRPC: Bool = {
        #if OTLPGRPC
        true
        #else
        false
        #endif
    }()

    public var selection: LabSelection
    /// The address everything binds to and calls; loopback unless a lab runs across hosts.
    public var host: String
    /// First port of the block for every port that is not an entry or the collector.
    public var basePort: Int
    public var collectorPort: Int
    /// productpage's sidecar inbound, the bookinfo entry.
    public var bookinfoEntryPort: Int
    /// service-a's sidecar inbound, the chain entry.
    public var chainEntryPort: Int
    /// Apps report their own spans next to the sidecars'.
    public var appSpans: Bool
    /// How the apps export them (`--app-spans-protocol`); nil (and older lab.json) is Zipkin.
    public var appSpansProtocol: AppSpansProtocol?
    /// The sidecars' `--sampling`; nil leaves the proxy's default (1.0).
    public var sampling: Double?
    /// The sidecars' `--propagation` list (e.g. `b3multi,w3c`); nil leaves the proxy's default.
    public var proxyPropagation: String?
    /// Planted propagation bugs by node id (`reviews-v2: drop-b3`); unlisted apps forward all.
    public var propagationModes: [String: PropagationMode]
    /// The collector's `--storage` (`memory` or `sqlite:PATH`).
    public var collectorStorage: String
    /// The collector's course page: the scenarios directory (`--course-dir`) and the results
    /// `tracelab run` saves for this lab (`--course-results`); absolute paths, set by `tracelab up`.
    /// Nil (and in older lab.json files): no course page.
    public var courseDirectory: String?
    public var courseResults: String?
    /// False: no sidecars, the apps call each other directly (`tracelab bench overhead`'s
    /// baseline). Nil (the default, and lab.json files of older versions) means true.
    public var sidecars: Bool?
    /// False: the sidecars get no `--zipkin` and report nothing. Nil means true.
    public var tracing: Bool?
    /// The collector's OTLP/gRPC port (`--otlp-grpc`, on `host`); nil: no gRPC listener.
    /// `tracelab up` asks for 4317, the OpenTelemetry default, so SDKs export with no settings.
    public var otlpGRPCPort: Int?
    /// Instances whose app is the user's own (`--replace`), by node id. Nil in older lab.json.
    public var replacements: [String: AppReplacement]?

    public var hasSidecars: Bool { sidecars ?? true }
    public var reportsSpans: Bool { tracing ?? true }

    public init(
        selection: LabSelection = .bookinfo,
        host: String = "127.0.0.1",
        basePort: Int = LabConfiguration.defaultBasePort,
        collectorPort: Int = LabConfiguration.defaultCollectorPort,
        bookinfoEntryPort: Int = LabConfiguration.defaultBookinfoEntryPort,
        chainEntryPort: Int = LabConfiguration.defaultChainEntryPort,
        appSpans: Bool = false,
        sampling: Double? = nil,
        proxyPropagation: String? = nil,
        propagationModes: [String: PropagationMode] = [:],
        collectorStorage: String = "memory"
    ) {
        self.selection = selection
        self.host = host
        self.basePort = basePort
        self.collectorPort = collectorPort
        self.bookinfoEntryPort = bookinfoEntryPort
        self.chainEntryPort = chainEntryPort
        self.appSpans = appSpans
        self.sampling = sampling
        self.proxyPropagation = proxyPropagation
        self.propagationModes = propagationModes
        self.collectorStorage = collectorStorage
    }

    public func entryPort(of lab: LabName) -> Int {
        switch lab {
        case .bookinfo: bookinfoEntryPort
        case .chain: chainEntryPort
        }
    }

    /// The user's app standing in for `instance`, if `--replace` named it.
    public func replacement(of instance: ServiceInstance) -> AppReplacement? {
        replacements?[instance.nodeID]
    }

    /// The formats the sidecars speak (their `--propagation`, else the proxy's default).
    public var sidecarFormats: [String] {
        proxyPropagation.map { $0.split(separator: ",").map { AppReplacement.trimmed($0) } } ?? ["b3multi", "b3single", "w3c"]
    }

    /// The propagation mode of an instance (default `forward-all`).
    public func propagationMode(of instance: ServiceInstance) -> PropagationMode {
        propagationModes[instance.nodeID] ?? .forwardAll
    }
}
