/// The exact argument lists of each role (`tracelab collector|proxy|service …`), from the
/// cross-part contract. `tracelab up` runs them; compose and Kubernetes files are checked
/// against them.
public enum LaunchArguments {
    /// `collector --listen H:P --storage S [--otlp-grpc H:P] [--course-dir DIR] [--course-results FILE]`
    public static func collector(listen: HostPort, storage: String = "memory", otlpGRPC: HostPort? = nil, courseDirectory: String? = nil, courseResults: String? = nil) -> [String] {
        var arguments = ["collector", "--listen", listen.description, "--storage", storage]
        if let otlpGRPC { arguments += ["--otlp-grpc", otlpGRPC.description] }
        if let courseDirectory { arguments += ["--course-dir", courseDirectory] }
        if let courseResults { arguments += ["--course-results", courseResults] }
        return arguments
    }

    /// `proxy --service S --node-id S-V --inbound … --app … --outbound … --route …… --zipkin URL
    /// --admin … [--sampling R] [--propagation LIST]`
    public static func proxy(_ sidecar: SidecarPlan, zipkinURL: String?, sampling: Double? = nil, propagation: String? = nil) -> [String] {
        var arguments = [
            "proxy",
            "--service", sidecar.instance.service.rawValue,
            "--node-id", sidecar.instance.nodeID,
            "--inbound", sidecar.inbound.description,
            "--app", sidecar.app.description,
            "--outbound", sidecar.outbound.description,
        ]
        for route in sidecar.routes {
            arguments += ["--route", route.argument]
        }
        if let zipkinURL {
            arguments += ["--zipkin", zipkinURL]
        }
        arguments += ["--admin", sidecar.admin.description]
        if let sampling {
            arguments += ["--sampling", String(sampling)]
        }
        if let propagation {
            arguments += ["--propagation", propagation]
        }
        return arguments
    }

    /// `service NAME --listen … --proxy … --version V [--propagation MODE] [--zipkin URL [--app-spans]
    /// [--app-spans-protocol otlp --otlp URL]]`
    public static func service(_ app: AppPlan, zipkinURL: String?, appSpans: Bool = false, otlpURL: String? = nil) -> [String] {
        var arguments = [
            "service", app.instance.service.rawValue,
            "--listen", app.listen.description,
            "--proxy", app.proxy.description,
            "--version", app.instance.version,
        ]
        if app.propagation != .forwardAll {
            arguments += ["--propagation", app.propagation.rawValue]
        }
        for route in app.direct {
            arguments += ["--direct", "\(route.service.rawValue)=" + route.endpoints.map(\.address.description).joined(separator: ",")]
        }
        // The collector's URL even without app spans: they can be switched on at run time
        // (`POST /admin/app-spans`), which needs somewhere to send them.
        if let zipkinURL {
            arguments += ["--zipkin", zipkinURL]
            if appSpans { arguments.append("--app-spans") }
            if let otlpURL { arguments += ["--app-spans-protocol", AppSpansProtocol.otlp.rawValue, "--otlp", otlpURL] }
        }
        return arguments
    }
}
