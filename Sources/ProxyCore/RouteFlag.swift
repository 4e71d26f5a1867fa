/// The `--route SERVICE=HOST:PORT[@WEIGHT][,HOST:PORT[@WEIGHT]…]` flag.
public enum RouteFlag {
    /// Parses one `--route` value. Endpoints without `@WEIGHT` share the traffic equally
    /// (weight 100 each, so `a,b` is 50/50).
    public static func parse(_ text: String) throws(ProxyConfigurationError) -> (service: String, route: Route) {
        guard let equals = text.firstIndex(of: "=") else { throw ProxyConfigurationError(.invalidRoute(text)) }
        let service = String(text[..<equals])
        try ServiceName.validate(service)
        let list = text[text.index(after: equals)...]
        guard !list.isEmpty else { throw ProxyConfigurationError(.invalidRoute(text)) }
        var endpoints: [RouteEndpoint] = []
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            var address = Substring(item)
            var weight = 100
            if let at = item.lastIndex(of: "@") {
                address = item[..<at]
                let weightText = item[item.index(after: at)...]
                guard let parsed = Int(weightText), parsed >= 0 else { throw ProxyConfigurationError(.invalidWeight(String(weightText))) }
                weight = parsed
            }
            let hostPort = try HostPort(parsing: String(address))
            guard hostPort.port > 0 else { throw ProxyConfigurationError(.invalidAddress(String(address))) }
            endpoints.append(RouteEndpoint(address: hostPort, weight: weight))
        }
        let route = Route(endpoints: endpoints)
        try route.validate()
        return (service.lowercased(), route)
    }
}

/// Service names as routes and spans use them.
public enum ServiceName {
    public static func validate(_ name: String) throws(ProxyConfigurationError) {
        guard !name.isEmpty, name.utf8.allSatisfy({ byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }) else {
            throw ProxyConfigurationError(.invalidServiceName(name))
        }
    }
}
