/// A call count between two services (zipkin2-api.yaml, `DependencyLink`).
public struct DependencyLink: Codable, Hashable, Sendable {
    /// The caller's service name.
    public var parent: String
    /// The callee's service name.
    public var child: String
    public var callCount: Int
    /// Calls where either side reported an `error` tag.
    public var errorCount: Int

    public init(parent: String, child: String, callCount: Int, errorCount: Int = 0) {
        self.parent = parent
        self.child = child
        self.callCount = callCount
        self.errorCount = errorCount
    }
}
