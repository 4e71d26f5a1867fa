/// A `HOST:PORT` pair from a flag or the admin API (IPv4 or a name; `[v6]:port` too).
public struct HostPort: Hashable, Sendable, CustomStringConvertible, Codable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; port 0 asks the OS for a free port (listeners only).
    public init(parsing text: String) throws(ProxyConfigurationError) {
        guard let colon = text.lastIndex(of: ":") else { throw ProxyConfigurationError(.invalidAddress(text)) }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" || $0 == "@" || $0 == "," }),
              let port = Int(portText), (0...65_535).contains(port) else {
            throw ProxyConfigurationError(.invalidAddress(text))
        }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Whether only this machine can reach a listener bound here (127.0.0.0/8, ::1, localhost).
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try HostPort(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
