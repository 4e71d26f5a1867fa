/// How the lab services export their app spans (`--app-spans-protocol`): Zipkin v2 JSON to
/// `/api/v2/spans`, or OTLP/HTTP protobuf to `/v1/traces`, as an OpenTelemetry SDK would. The
/// collector takes both on one listener, so the spans meet the sidecars' in one trace either way.
public enum AppSpansProtocol: String, Hashable, Sendable, Codable, CaseIterable {
    case zipkin
    case otlp

    /// The collector path the spans are posted to.
    public var collectorPath: String {
        switch self {
        case .zipkin: "/api/v2/spans"
        case .otlp: "/v1/traces"
        }
    }
}
