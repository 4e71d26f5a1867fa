// The OTLPGRPC package trait (on by default) builds the OTLP/gRPC listener.
#if OTLPGRPC
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import SpanStore

/// The OTLP/gRPC listener (`--otlp-grpc HOST:PORT`), plaintext HTTP/2 like the OpenTelemetry
/// Collector's default receiver on 4317. Run with `run()`; `stop()` begins a graceful shutdown.
public struct OTLPGRPCServer: Sendable {
    private let server: GRPCServer<HTTP2ServerTransport.Posix>

    public init(host: String, port: Int, store: any SpanStorage, logger: Logger) {
        let transport = HTTP2ServerTransport.Posix(
            address: host.contains(":") ? .ipv6(host: host, port: port) : .ipv4(host: host, port: port),
            transportSecurity: .plaintext
        )
        server = GRPCServer(transport: transport, services: [OTLPGRPCService(store: store, logger: logger)])
    }

    /// Serves until `stop()`; throws when it cannot listen.
    public func run() async throws {
        try await server.serve()
    }

    public func stop() {
        server.beginGracefulShutdown()
    }
}
#endif
