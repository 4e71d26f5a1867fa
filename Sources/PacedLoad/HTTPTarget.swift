import LabModel

/// Where a load goes: a plain-HTTP address and path (the lab listens on loopback without TLS).
public struct HTTPTarget: Sendable, Hashable, CustomStringConvertible {
    public var address: HostPort
    /// Request target, starting with "/", query included.
    public var path: String

    public init(address: HostPort, path: String = "/") {
        self.address = address
        self.path = path.isEmpty ? "/" : path
    }

    public init(host: String, port: Int, path: String = "/") {
        self.init(address: HostPort(host: host, port: port), path: path)
    }

    /// Parses `http://host:port/path` (what `HostPort.url(path:)` writes); nil for another
    /// scheme or an address `HostPort` does not accept.
    public init?(url: String) {
        guard url.hasPrefix("http://") else { return nil }
        let rest = url.dropFirst("http://".count)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        guard let address = HostPort(String(rest[..<authorityEnd])) else { return nil }
        let path = String(rest[authorityEnd...])
        self.init(address: address, path: path.hasPrefix("?") ? "/" + path : path)
    }

    public var host: String { address.host }
    public var port: Int { address.port }

    /// The value of the Host header.
    public var hostHeader: String { address.description }

    public var description: String { address.url(path: path) }
}
