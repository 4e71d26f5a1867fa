import Foundation
import Hummingbird
import Logging
import SpanStore
import TraceAnalysis
import Zipkin

/// `GET /api/tracelab/traces/{traceId}/verdict`: `TraceAnalyzer`'s judgement of a stored
/// trace as JSON (the `TraceVerdict` shape), for the UI and scripts.
///
/// A trace is judged as part of its request, as the scenario verifier judges it: a hop that
/// lost its context leaves the request in two traces, and neither shows the break alone (the
/// caller's half may look complete). `RelatedTraceFinder` reads the traces that may be the
/// rest of the request from the store, and `TraceAnalyzer.analyze(traces:)` links them; the
/// verdict then carries the split-hop findings naming the other fragments and `request`, the
/// whole request (`complete: false` when it broke anywhere).
struct VerdictController: Sendable {
    let store: any SpanStorage
    let finder: RelatedTraceFinder
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
            let traces = try await finder.neighbourhood(of: [spans])
            let set = TraceAnalyzer.analyze(traces: traces)
            return JSONResponse.encodable(set.traces.first ?? TraceAnalyzer.analyze(spans))
        } catch let error as QueryError {
            return JSONResponse.error(error.message, status: error.status)
        } catch {
            logger.error("verdict failed", metadata: ["trace": "\(text)", "error": "\(error)"])
            return JSONResponse.error("\(error)", status: .internalServerError)
        }
    }
}
