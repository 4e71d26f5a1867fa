import Foundation
import Hummingbird
import Logging
import SpanStore
import TraceAnalysis
import Zipkin

/// `GET /api/tracelab/requests/{x-request-id}`: one request with every trace it left, for the
/// UI's request view.
///
/// The traces carrying the id are the seeds (newest first, within the default look-back); the
/// request is the one of the earliest seed that began it, grown by `RelatedTraceFinder` and
/// linked by `TraceAnalyzer.analyze(traces:)` exactly as the verdict endpoint does, so a
/// fragment that lost the id too (drop-all) is part of it. The answer is
/// `{"requestID", "request": RequestVerdict, "traces": [TraceVerdict]}`, one verdict per
/// fragment, possible ones included; the spans are read through the Zipkin API.
struct RequestController: Sendable {
    struct Body: Encodable {
        var requestID: String
        var request: RequestVerdict
        var traces: [TraceVerdict]
    }

    let store: any SpanStorage
    let finder: RelatedTraceFinder
    let lookbackMillis: UInt64
    let now: @Sendable () -> UInt64
    let logger: Logger

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/api/tracelab/requests/:requestId") { _, context in
            await request(context.parameters.get("requestId") ?? "")
        }
    }

    func request(_ requestID: String) async -> Response {
        do {
            guard !requestID.isEmpty, requestID.utf8.count <= 256 else {
                return JSONResponse.error("requestId must be an x-request-id of 1 to 256 characters", status: .badRequest)
            }
            let query = try TraceQuery(
                annotationQuery: AnnotationQuery(terms: [.tag(key: "guid:x-request-id", value: requestID)]),
                endTs: now() / 1000, lookback: lookbackMillis, limit: 10
            )
            let seeds = try await store.findTraces(query)
            guard !seeds.isEmpty else {
                return JSONResponse.error("no trace carries x-request-id \(requestID)", status: .notFound)
            }
            let set = TraceAnalyzer.analyze(traces: try await finder.neighbourhood(of: seeds))
            let seedIDs = Set(seeds.compactMap { $0.first?.traceID.hex })
            let seedVerdicts = set.traces.filter { seedIDs.contains($0.traceID) }
            // The seed the request began with: an entry fragment, else the earliest.
            let chosen = seedVerdicts.first { verdict in verdict.request?.fragments.first { $0.traceID == verdict.traceID }?.entry == true }
                ?? seedVerdicts.min { ($0.startTimestamp ?? .max) < ($1.startTimestamp ?? .max) }
            guard let chosen, let request = chosen.request else {
                return JSONResponse.error("no trace carries x-request-id \(requestID)", status: .notFound)
            }
            let byID = Dictionary(set.traces.map { ($0.traceID, $0) }, uniquingKeysWith: { first, _ in first })
            let traces = request.fragments.compactMap { byID[$0.traceID] }
            return JSONResponse.encodable(Body(requestID: requestID, request: request, traces: traces))
        } catch {
            logger.error("request view failed", metadata: ["request": "\(requestID)", "error": "\(error)"])
            return JSONResponse.error("\(error)", status: .internalServerError)
        }
    }
}
