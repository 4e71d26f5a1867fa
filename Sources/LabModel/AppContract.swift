/// What a user's app started by the lab (`--replace 'INSTANCE=cmd:…'`, `check-propagation
/// --app cmd:…`) is told in its environment: where to listen, where to send its outgoing calls
/// and its spans, and which trace formats the sidecars speak. The OpenTelemetry variables are
/// the standard ones, so an app using an OpenTelemetry SDK needs no TraceLab-specific code.
public struct AppContract: Hashable, Sendable {
    /// The instance the app stands in for (`reviews-v2`).
    public var instance: ServiceInstance
    /// The port it must listen on (on 127.0.0.1 or all interfaces).
    public var port: Int
    /// Its sidecar's outbound listener: call `http://OUTBOUND/path` with `Host: <callee>`.
    public var outbound: HostPort
    /// Zipkin v2 JSON spans go here (`…/api/v2/spans`); nil when nothing collects spans.
    public var zipkinURL: String?
    /// The collector's base URL; OTLP/HTTP exporters append `/v1/traces`.
    public var collectorURL: String?
    /// The sidecars' formats, in the proxy's names (`b3multi`, `b3single`, `w3c`).
    public var formats: [String]

    public init(instance: ServiceInstance, port: Int, outbound: HostPort, zipkinURL: String?, collectorURL: String?, formats: [String]) {
        self.instance = instance
        self.port = port
        self.outbound = outbound
        self.zipkinURL = zipkinURL
        self.collectorURL = collectorURL
        self.formats = formats
    }

    /// The sidecar's formats in `OTEL_PROPAGATORS` names: `b3multi`, `b3` (single header),
    /// `tracecontext`; `baggage` is added since W3C sidecars forward it untouched.
    public var openTelemetryPropagators: String {
        var names: [String] = []
        for format in formats {
            let name: String? = switch format.lowercased() {
            case "b3multi": "b3multi"
            case "b3single", "b3": "b3"
            case "w3c", "tracecontext": "tracecontext"
            default: nil
            }
            if let name, !names.contains(name) { names.append(name) }
        }
        if names.contains("tracecontext") { names.append("baggage") }
        return names.isEmpty ? "b3multi" : names.joined(separator: ",")
    }

    /// The variables added to the app's environment.
    public var environment: [String: String] {
        var variables = [
            "PORT": String(port),
            "TRACELAB_SERVICE": instance.service.rawValue,
            "TRACELAB_INSTANCE": instance.nodeID,
            "TRACELAB_VERSION": instance.version,
            "TRACELAB_OUTBOUND": outbound.description,
            "TRACELAB_PROPAGATION": formats.joined(separator: ","),
            "OTEL_SERVICE_NAME": instance.service.rawValue,
            "OTEL_RESOURCE_ATTRIBUTES": "service.version=\(instance.version),service.instance.id=\(instance.nodeID)",
            "OTEL_PROPAGATORS": openTelemetryPropagators,
        ]
        if let zipkinURL { variables["TRACELAB_ZIPKIN_URL"] = zipkinURL }
        if let collectorURL {
            variables["TRACELAB_COLLECTOR_URL"] = collectorURL
            variables["OTEL_EXPORTER_OTLP_ENDPOINT"] = collectorURL
            variables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf"
            variables["OTEL_TRACES_EXPORTER"] = "otlp"
        } else {
            variables["OTEL_TRACES_EXPORTER"] = "none"
        }
        // The lab's apps report metrics and logs nowhere; an SDK's defaults would retry a
        // metrics endpoint the collector does not serve.
        variables["OTEL_METRICS_EXPORTER"] = "none"
        variables["OTEL_LOGS_EXPORTER"] = "none"
        return variables
    }
}
