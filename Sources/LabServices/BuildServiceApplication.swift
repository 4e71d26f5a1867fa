import AsyncHTTPClient
import AsyncHTTPClientSpanPosting
import Hummingbird
import LabModel
import Logging
import NIOCore
import ServiceLifecycle
import SpanFormats
import Zipkin
import ZipkinHTTPReporter

/// Builds one lab service (productpage, details, reviews, ratings, service-a/b/c) as a
/// Hummingbird application; `tracelab service` runs it, tests run it on port 0.
///
/// - Parameters:
///   - httpClient: for outgoing calls and span reports; owned by the caller.
///   - reporter: where app spans go; nil builds an `HTTPSpanReporter` to `appSpansURL` (Zipkin
///     JSON, or OTLP protobuf with `--app-spans-protocol otlp`), when there is one, that runs
///     (and flushes on shutdown) as a service of the application.
///     With a reporter, app spans can be switched on at run time (`POST /admin/app-spans`).
///   - onServerRunning: called with the listening channel (tests read the port 0 choice).
public func buildServiceApplication(
    configuration: ServiceConfiguration,
    httpClient: HTTPClient = .shared,
    reporter: (any SpanReporter)? = nil,
    logger: Logger? = nil,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) throws(LabServiceError) -> some ApplicationProtocol {
    try configuration.validate()
    let instance = configuration.instance
    var logger = logger ?? Logger(label: "tracelab.service")
    logger[metadataKey: "node_id"] = .string(instance.nodeID)

    var services: [any Service] = []
    var spanReporter: (any SpanReporter)?
    if let reporter {
        spanReporter = reporter
    } else if let url = configuration.appSpansURL {
        let encoder: any SpanBatchEncoder = configuration.appSpansProtocol == .otlp ? OTLPExportEncoder() : ZipkinEncoding.json
        let httpReporter = HTTPSpanReporter(
            transport: AsyncHTTPClientSpanPoster(endpoint: url, httpClient: httpClient), encoder: encoder, logger: logger
        )
        services.append(httpReporter)
        spanReporter = httpReporter
    }
    let clock = ServiceClock(offsetMicroseconds: configuration.clockOffsetMicroseconds)
    let appSpans = AppSpanSwitch(configuration.appSpans)
    let tracer = AppTracer(instance: instance, reporter: spanReporter, enabled: appSpans, clock: { clock.nowMicros() })
    let propagation = PropagationSwitch(configuration.propagation)
    let runtime = ServiceRuntime(
        configuration: configuration,
        tracer: tracer,
        caller: DownstreamCaller(
            httpClient: httpClient, proxy: configuration.proxy, directRoutes: configuration.directRoutes, timeout: configuration.callTimeout,
            tracer: tracer, propagation: propagation, logger: logger
        ),
        propagation: propagation,
        appSpans: appSpans,
        clock: clock,
        logger: logger
    )

    let router = Router(context: LabRequestContext.self)
    runtime.addCommonRoutes(to: router)
    switch configuration.service {
    case .productpage: runtime.addProductpageRoutes(to: router)
    case .details: runtime.addDetailsRoutes(to: router)
    case .reviews: runtime.addReviewsRoutes(to: router)
    case .ratings: runtime.addRatingsRoutes(to: router)
    case .serviceA, .serviceB, .serviceC: runtime.addChainRoutes(to: router)
    }

    return Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.listen.host, port: configuration.listen.port),
            serverName: instance.nodeID
        ),
        services: services,
        onServerRunning: onServerRunning,
        logger: logger
    )
}
