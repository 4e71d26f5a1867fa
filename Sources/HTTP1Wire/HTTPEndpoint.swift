/// An `http://` URL taken apart for an HTTP/1.1 client: where to connect, and the request
/// target and `Host` field to send. Parsed without Foundation so that a client that only
/// posts to a collector does not link it.
public struct HTTPEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The host to connect to (an IPv6 literal without its brackets).
    public let host: String
    public let port: Int
    /// The request target: the path and query, `/` when the URL has none.
    public let target: String
    /// The `Host` field: the URL's authority as written.
    public let authority: String

    /// Why a URL is not one this client can post to.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public let url: String
        public let reason: String

        public var description: String {
            "'\(url)' is not a usable http:// URL: \(reason)"
        }
    }

    public init(parsing url: String) throws(ParseError) {
        func fail(_ reason: String) -> ParseError { ParseError(url: url, reason: reason) }
        let scheme = "http://"
        guard url.count > scheme.count, url.lowercased().hasPrefix(scheme) else {
            if url.lowercased().hasPrefix("https://") {
                throw fail("https is not spoken by this client (plain HTTP/1.1 only)")
            }
            throw fail("it must start with http://")
        }
        let rest = url.dropFirst(scheme.count)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        var path = String(rest[authorityEnd...])
        if let fragment = path.firstIndex(of: "#") { path = String(path[..<fragment]) }
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        guard !path.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) else {
            throw fail("the path has a space, control or non-ASCII byte (percent-encode it)")
        }
        guard !authority.isEmpty else { throw fail("it names no host") }
        guard !authority.contains("@") else { throw fail("user information (user@host) is not supported") }

        let host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail("an IPv6 address lacks its ']'") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw fail("'[\(host)]' is not an IPv6 address")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority[...]
        }
        guard !host.isEmpty else { throw fail("it names no host") }
        if !authority.hasPrefix("["), !host.utf8.allSatisfy(HTTP1HeadParser.isToken) {
            throw fail("the host '\(host)' has a character a host name cannot have")
        }
        var port = 80
        if let portText, !portText.isEmpty {
            guard portText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let value = Int(portText), (1...65535).contains(value) else {
                throw fail("the port '\(portText)' is not a number from 1 to 65535")
            }
            port = value
        }
        self.host = String(host)
        self.port = port
        self.target = path
        self.authority = authority
    }

    public var description: String {
        "http://\(authority)\(target)"
    }
}
