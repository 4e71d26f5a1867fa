/// A `HOST:PORT` listen or connect address as the command-line flags write it.
public struct HostPort: Hashable, Sendable, Codable, LosslessStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:9080`, `localhost:80` or `[::1]:9080`.
    public init(parsing text: String) throws(LabModelError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw LabModelError(.invalidAddress(text))
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw LabModelError(.invalidAddress(text))
        }
        self.init(host: host, port: port)
    }

    public init?(_ description: String) {
        guard let parsed = try? HostPort(parsing: description) else { return nil }
        self = parsed
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `http://host:port` followed by `path`.
    public func url(path: String = "") -> String {
        "http://\(description)\(path)"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try HostPort(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
