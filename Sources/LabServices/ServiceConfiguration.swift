import LabModel

/// Everything one lab service process needs; built by `tracelab service …` or by tests.
public struct ServiceConfiguration: Sendable, Hashable {
    public var service: ServiceName
    public var version: String
    public var listen: HostPort
    /// The sidecar's outbound listener; every outgoing call goes there with `Host: <service>`.
    public var proxy: HostPort
    /// The start-up propagation mode; `POST /admin/propagation` changes it at run time.
    public var propagation: PropagationMode
    /// Report app spans (handler and outgoing calls) next to the sidecar's.
    public var appSpans: Bool
    /// Where app spans go with the Zipkin protocol (`http://127.0.0.1:9411/api/v2/spans`).
    public var zipkinURL: String?
    /// How app spans are exported; the endpoint for it is required with `appSpans`.
    public var appSpansProtocol: AppSpansProtocol
    /// Where app spans go with OTLP (`http://127.0.0.1:9411/v1/traces`).
    public var otlpURL: String?
    /// How long an outgoing call may take before the caller degrades (a lesson's 2 s fault
    /// delay must fit, a hung peer must not hang the page).
    public var callTimeout: Duration
    /// Added to the app spans' timestamps (`--clock-offset`): this host's clock error, for the
    /// clock-skew lesson; `POST /admin/clock` changes it at run time.
    public var clockOffsetMicroseconds: Int64
    /// Callees reached without a sidecar (`--direct reviews=H:P,H:P`), one endpoint picked at
    /// random per call: the no-mesh baseline of `tracelab bench overhead`.
    public var directRoutes: [ServiceName: [HostPort]]

    public init(
        service: ServiceName, version: String = "v1", listen: HostPort, proxy: HostPort,
        propagation: PropagationMode = .forwardAll, appSpans: Bool = false, zipkinURL: String? = nil,
        callTimeout: Duration = .seconds(10), clockOffsetMicroseconds: Int64 = 0, directRoutes: [ServiceName: [HostPort]] = [:],
        appSpansProtocol: AppSpansProtocol = .zipkin, otlpURL: String? = nil
    ) {
        self.appSpansProtocol = appSpansProtocol
        self.otlpURL = otlpURL
        self.service = service
        self.version = version
        self.listen = listen
        self.proxy = proxy
        self.propagation = propagation
        self.appSpans = appSpans
        self.zipkinURL = zipkinURL
        self.callTimeout = callTimeout
        self.clockOffsetMicroseconds = clockOffsetMicroseconds
        self.directRoutes = directRoutes
    }

    public var instance: ServiceInstance { ServiceInstance(service: service, version: version) }

    /// Where app spans are posted with the chosen protocol; nil when not given.
    public var appSpansURL: String? {
        let url = appSpansProtocol == .otlp ? otlpURL : zipkinURL
        return (url ?? "").isEmpty ? nil : url
    }

    /// Throws when the version does not exist for the service or app spans have no endpoint.
    public func validate() throws(LabServiceError) {
        guard service.versions.contains(version) else {
            throw LabServiceError(.unknownVersion(service: service, version: version))
        }
        if appSpans && appSpansURL == nil {
            throw LabServiceError(.appSpansWithoutEndpoint(service: service, protocol: appSpansProtocol))
        }
    }
}
