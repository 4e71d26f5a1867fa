import ArgumentParser
import AsyncHTTPClientSpanPosting
import ProxyCommandLine

/// `tracelab proxy`: ``ProxyCommand``'s flags and sidecar, plus span POSTs to an `https://`
/// `--zipkin` through AsyncHTTPClient, which the lean `tracelab-proxy` executable leaves out
/// (with TLS and HTTP/2) to map less code per sidecar. Plain http:// goes the same way in both.
struct ProxyRoleCommand: AsyncParsableCommand {
    static let configuration = ProxyCommand.configuration

    @OptionGroup var proxy: ProxyCommand

    func run() async throws {
        try await proxy.run(httpsSpanTransport: { endpoint, group in
            AsyncHTTPClientSpanPoster(endpoint: endpoint, eventLoopGroup: group)
        })
    }
}
