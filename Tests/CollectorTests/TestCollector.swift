import Collector
import Hummingbird
import HummingbirdTesting
import Logging
import SpanStore

/// A collector on an empty memory store, driven through Hummingbird's router test client: what
/// the HTTP suites (the Zipkin API, the other ingest formats) each start per test.
enum TestCollector {
    static func run(
        maxBodyBytes: Int = 1 << 20, logger: Logger,
        _ body: @Sendable (any TestClientProtocol, any SpanStorage) async throws -> Void
    ) async throws {
        let store = MemorySpanStore()
        let configuration = CollectorConfiguration(port: 0, maxBodyBytes: maxBodyBytes)
        let app = buildCollectorApplication(configuration: configuration, store: store, logger: logger)
        try await app.test(.router) { client in try await body(client, store) }
    }
}
