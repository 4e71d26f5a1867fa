import AsyncHTTPClient

extension HTTPClient.Configuration {
    /// The client a lab service calls downstream and reports spans with.
    ///
    /// Not `HTTPClient.shared`: its browser-like configuration inflates gzip bodies and follows
    /// redirects. Nothing in the lab compresses, yet the decompressor cost ~8 % of a chain
    /// service's CPU under load, and a service that followed a redirect would hide a hop from
    /// the trace it is meant to show. Timeouts come from each call's deadline.
    public static var labService: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, decompression: .disabled)
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        return configuration
    }
}
