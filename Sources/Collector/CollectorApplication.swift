import Foundation
import Hummingbird
import Logging
import NIOCore
import SpanStore

/// Opens the store `configuration.storage` names.
public func makeSpanStore(configuration: CollectorConfiguration) throws(SpanStoreError) -> any SpanStorage {
    let retention = configuration.retentionSeconds.map { $0 * 1_000_000 }
    switch configuration.storage {
    case .memory:
        return MemorySpanStore(maxSpans: configuration.maxSpans, retention: retention)
    case .sqlite(let path):
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        return try SQLiteSpanStore(path: path, maxSpans: configuration.maxSpans, retention: retention)
    }
}

/// The collector's routes on `store`: ingest, the Zipkin v2 query API, the TraceLab verdict and request,
/// health and the web UI. Tests use this with HummingbirdTesting's `.router`.
public func buildCollectorRouter(
    configuration: CollectorConfiguration, store: any SpanStorage, logger: Logger,
    now: @escaping @Sendable () -> UInt64 = SystemClockMicros.now
) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: CORSMiddleware(allowOrigin: .all, allowHeaders: [.contentType, .contentEncoding], allowMethods: [.get, .post, .options]))
    router.get("/health") { _, _ in
        let stats = await store.stats()
        return JSONResponse.encodable(HealthBody(status: "UP", storage: configuration.storage.description, stats: stats))
    }
    router.get("/api/tracelab/stats") { _, _ in
        JSONResponse.encodable(await store.stats())
    }
    IngestController(store: store, maxBodyBytes: configuration.maxBodyBytes, logger: logger).addRoutes(to: router)
    QueryController(store: store, defaultLookbackMillis: configuration.defaultLookbackMillis, now: now, logger: logger).addRoutes(to: router)
    let finder = RelatedTraceFinder(store: store)
    VerdictController(store: store, finder: finder, logger: logger).addRoutes(to: router)
    RequestController(store: store, finder: finder, lookbackMillis: configuration.defaultLookbackMillis, now: now, logger: logger).addRoutes(to: router)
    // The dependency view's breaks (issue 22, point 4): /api/tracelab/dependencies.
    DependencyBreaksController(store: store, defaultLookbackMillis: configuration.defaultLookbackMillis, now: now, logger: logger).addRoutes(to: router)
    // The course page (issue 22, point 5): lessons and the last run's results.
    CourseController(courseDirectory: configuration.courseDirectory, resultsFile: configuration.courseResults).addRoutes(to: router)
    UIAssets().addRoutes(to: router)
    return router
}

/// The collector as a runnable Hummingbird application (`tracelab collector`); opens the
/// store the configuration names. Port 0 binds a free port, reported to `onServerRunning`.
public func buildCollectorApplication(
    configuration: CollectorConfiguration, logger: Logger,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) throws(SpanStoreError) -> some ApplicationProtocol {
    let store = try makeSpanStore(configuration: configuration)
    return buildCollectorApplication(configuration: configuration, store: store, logger: logger, onServerRunning: onServerRunning)
}

/// The collector on a store the caller made (tests and benchmarks share one store).
public func buildCollectorApplication(
    configuration: CollectorConfiguration, store: any SpanStorage, logger: Logger,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = buildCollectorRouter(configuration: configuration, store: store, logger: logger)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "tracelab-collector"),
        onServerRunning: onServerRunning,
        logger: logger
    )
}

struct HealthBody: Encodable {
    var status: String
    var storage: String
    var stats: SpanStoreStats
}
