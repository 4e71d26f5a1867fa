import LabModel

/// Why a lab service cannot start or a request to it is wrong.
public struct LabServiceError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case unknownVersion(service: ServiceName, version: String)
        case appSpansWithoutEndpoint(service: ServiceName, protocol: AppSpansProtocol)
        case invalidProductID(String)
        case invalidAdminBody(String)
    }

    public let reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .unknownVersion(let service, let version):
            "\(service) has no version '\(version)'; use \(service.versions.joined(separator: ", "))"
        case .appSpansWithoutEndpoint(let service, .zipkin):
            "\(service): --app-spans needs --zipkin URL (e.g. http://127.0.0.1:9411/api/v2/spans)"
        case .appSpansWithoutEndpoint(let service, .otlp):
            "\(service): --app-spans with --app-spans-protocol otlp needs --otlp URL (e.g. http://127.0.0.1:9411/v1/traces)"
        case .invalidProductID(let text):
            "product id '\(text)' is not a number; request e.g. /details/0"
        case .invalidAdminBody(let detail):
            "\(detail); send {\"mode\":\"drop-b3\"} with one of \(PropagationMode.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }
}
