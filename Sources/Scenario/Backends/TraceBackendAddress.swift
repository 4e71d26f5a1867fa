import AsyncHTTPClient

/// The `--backend` value of the scenario runner: which query API to read traces from.
///
/// Written `zipkin:URL` for a Zipkin v2 query API (TraceLab's collector, openzipkin, or any
/// server implementing zipkin2-api.yaml) and `jaeger:URL` for Jaeger's HTTP query API (the
/// one its UI uses, port 16686). URL is the server's base (`http://127.0.0.1:9411`); a path
/// prefix is kept (a backend behind a reverse proxy), and a pasted API path such as
/// `/api/v2/spans`, `/api/v2` or `/api` is dropped so people can paste the URL they already
/// give `--zipkin`.
public struct TraceBackendAddress: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case zipkin
        case jaeger
    }

    public var kind: Kind
    /// `http(s)://host[:port][/prefix]`, without a trailing slash or API path.
    public var baseURL: String

    public init(kind: Kind, baseURL: String) {
        self.kind = kind
        self.baseURL = baseURL
    }

    /// `zipkin:URL` or `jaeger:URL`, as the user wrote it (normalised).
    public var description: String { "\(kind.rawValue):\(baseURL)" }

    /// Parses `zipkin:URL` or `jaeger:URL`.
    public static func parse(_ text: String) throws(TraceBackendError) -> TraceBackendAddress {
        let trimmed = text.filter { !$0.isWhitespace }
        guard let colon = trimmed.firstIndex(of: ":") else {
            throw TraceBackendError(.invalidAddress(text, why: "no 'zipkin:' or 'jaeger:' prefix"))
        }
        let prefix = trimmed[..<colon].lowercased()
        guard let kind = Kind(rawValue: prefix) else {
            let why = prefix == "http" || prefix == "https"
                ? "say which API this URL serves with a 'zipkin:' or 'jaeger:' prefix"
                : "unknown backend kind '\(prefix)'"
            throw TraceBackendError(.invalidAddress(text, why: why))
        }
        let url = String(trimmed[trimmed.index(after: colon)...])
        let baseURL = try normalisedBaseURL(url, kind: kind, input: text)
        return TraceBackendAddress(kind: kind, baseURL: baseURL)
    }

    /// The backend for this address, sending its GETs through `transport`.
    public func makeBackend(transport: any TraceBackendTransport) -> any TraceBackend {
        switch kind {
        case .zipkin: ZipkinAPIBackend(baseURL: baseURL, transport: transport)
        case .jaeger: JaegerAPIBackend(baseURL: baseURL, transport: transport)
        }
    }

    /// The backend for this address over AsyncHTTPClient.
    public func makeBackend(httpClient: HTTPClient = .shared, timeout: Duration = .seconds(10)) -> any TraceBackend {
        makeBackend(transport: HTTPClientTraceBackendTransport(httpClient: httpClient, timeout: timeout))
    }

    static func normalisedBaseURL(_ url: String, kind: Kind, input: String) throws(TraceBackendError) -> String {
        let scheme: String
        if url.lowercased().hasPrefix("http://") {
            scheme = "http://"
        } else if url.lowercased().hasPrefix("https://") {
            scheme = "https://"
        } else {
            throw TraceBackendError(.invalidAddress(input, why: "the URL after '\(kind.rawValue):' must start with http:// or https://"))
        }
        let rest = url.dropFirst(scheme.count)
        if rest.contains("?") || rest.contains("#") {
            throw TraceBackendError(.invalidAddress(input, why: "the URL must not have a query or fragment"))
        }
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(authority.count))
        try validateAuthority(String(authority), input: input)
        while path.hasSuffix("/") { path.removeLast() }
        let apiSuffixes: [String] = switch kind {
        case .zipkin: ["/api/v2/spans", "/api/v2/traces", "/api/v2"]
        case .jaeger: ["/api/traces", "/api", "/search"]
        }
        for suffix in apiSuffixes where path.hasSuffix(suffix) {
            path.removeLast(suffix.count)
            break
        }
        while path.hasSuffix("/") { path.removeLast() }
        return scheme + authority.lowercased() + path
    }

    static func validateAuthority(_ authority: String, input: String) throws(TraceBackendError) {
        guard !authority.isEmpty else {
            throw TraceBackendError(.invalidAddress(input, why: "the URL has no host"))
        }
        if authority.contains("@") {
            throw TraceBackendError(.invalidAddress(input, why: "credentials in the URL are not supported"))
        }
        // Split off a port, minding bracketed IPv6 literals ("[::1]:9411").
        var host = Substring(authority)
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw TraceBackendError(.invalidAddress(input, why: "unclosed '[' in the IPv6 host"))
            }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else {
                    throw TraceBackendError(.invalidAddress(input, why: "unexpected '\(after)' after the IPv6 host"))
                }
                port = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else {
            throw TraceBackendError(.invalidAddress(input, why: "the URL has no host"))
        }
        if let port {
            guard let number = Int(port), (1...65535).contains(number) else {
                throw TraceBackendError(.invalidAddress(input, why: "port '\(port)' is not a number from 1 to 65535"))
            }
        }
    }
}
