import Foundation
import Hummingbird
import Logging
import SpanStore
import TraceAnalysis
import Zipkin

/// `GET /api/tracelab/traces/{traceId}/verdict`: `TraceAnalyzer`'s judgement of a stored
/// trace as JSON (the `TraceVerdict` shape), for the UI and the scenario runner.
///
/// A hop split across traces (same `x-request-id`, different trace ids) can only be seen
/// with the other trace, so traces sharing this one's request ids (within the look-back
/// around it) are analysed together with it.
struct VerdictController: Sendable {
    let store: any SpanStorage
    let relatedLookbackMillis: UInt64
    let logger: Logger

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/api/tracelab/traces/:traceId/verdict") { _, context in
            await verdict(for: context.parameters.get("traceId") ?? "")
        }
    }

    func verdict(for text: String) async -> Response {
        do {
            let id = try QueryParameters.traceID(text, parameter: "traceId")
            let spans = try await store.trace(id: id)
            guard !spans.isEmpty else { return JSONResponse.error("trace \(id.hex) not found", status: .notFound) }
            let related = try await relatedTraces(of: spans)
            if related.isEmpty {
                return JSONResponse.encodable(TraceAnalyzer.analyze(spans))
            }
            let set = TraceAnalyzer.analyze(traces: [spans] + related)
            return JSONResponse.encodable(set.verdict(for: id.hex) ?? TraceAnalyzer.analyze(spans))
        } catch let error as QueryError {
            return JSONResponse.error(error.message, status: error.status)
        } catch {
            logger.error("verdict failed", metadata: ["trace": "\(text)", "error": "\(error)"])
            return JSONResponse.error("\(error)", status: .internalServerError)
        }
    }

    /// Other traces carrying one of this trace's `guid:x-request-id` values.
    private func relatedTraces(of spans: [ZipkinSpan]) async throws -> [[ZipkinSpan]] {
        let requestIDs = Set(spans.compactMap { $0.tags["guid:x-request-id"] }).prefix(4)
        guard !requestIDs.isEmpty, let latest = spans.compactMap(\.endTimestamp).max() ?? spans.compactMap(\.timestamp).max() else { return [] }
        let traceID = spans[0].traceID
        var related: [[ZipkinSpan]] = []
        for requestID in requestIDs {
            let query = try TraceQuery(
                annotationQuery: AnnotationQuery(terms: [.tag(key: "guid:x-request-id", value: requestID)]),
                endTs: latest / 1000 + relatedLookbackMillis, lookback: 2 * relatedLookbackMillis, limit: 10
            )
            for trace in try await store.findTraces(query) where trace.first?.traceID != traceID
                && !related.contains(where: { $0.first?.traceID == trace.first?.traceID }) {
                related.append(trace)
            }
        }
        return related
    }
}
