/// A plain `Codable` mirror of a Zipkin v2 span: what a collector written the obvious way
/// would decode with `JSONDecoder`. It is the benchmark's peer, so it does the same work as
/// `ZipkinJSONDecoder` would need at minimum (every field, tag values as strings) and no
/// validation beyond what `Codable` does.
public struct CodableZipkinSpan: Codable, Hashable, Sendable {
    public struct Endpoint: Codable, Hashable, Sendable {
        public var serviceName: String?
        public var ipv4: String?
        public var ipv6: String?
        public var port: Int?
    }

    public struct Annotation: Codable, Hashable, Sendable {
        public var timestamp: UInt64
        public var value: String
    }

    public var traceId: String
    public var id: String
    public var parentId: String?
    public var name: String?
    public var kind: String?
    public var timestamp: UInt64?
    public var duration: UInt64?
    public var localEndpoint: Endpoint?
    public var remoteEndpoint: Endpoint?
    public var annotations: [Annotation]?
    public var tags: [String: String]?
    public var debug: Bool?
    public var shared: Bool?
}
