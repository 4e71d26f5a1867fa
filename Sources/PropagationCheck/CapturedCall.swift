import TraceContext

/// A downstream call the app made while it answered a case: the callee (its `Host`), the
/// path and every header, as the capture server received them.
public struct CapturedCall: Hashable, Sendable {
    public var host: String
    public var path: String
    public var headers: HeaderFields

    public init(host: String, path: String, headers: HeaderFields) {
        self.host = host
        self.path = path
        self.headers = headers
    }

    /// `ratings /ratings/0`, or just the path when the app sent no Host.
    public var label: String {
        host.isEmpty ? path : "\(host) \(path)"
    }
}
