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

/// `GET /api/tracelab/dependencies?endTs=&lookback=&limit=`: the service graph of
/// `/api/v2/dependencies` (same call and error counts) with what only the request-level
/// analysis knows: on which edges calls lost their context (`brokenCount`, by cause), and
/// example traces of broken, failed and ordinary calls, for the UI's dependency view.
///
/// The newest `limit` traces of the window (default 300, at most 2,000) are judged together
/// by `TraceAnalyzer.analyze(traces:)`, as the verdict endpoint judges one request: every split
/// hop (`TraceSetVerdict.links`), every ambiguous one (`ambiguousLinks`) and every broken link
/// of a trace whose other side is not among them counts once, on the edge from the caller's
/// service to the callee's. `tracesAnalysed` says how many traces that was; when it equals
/// `traceLimit` older traces of the window were left out of the broken counts.
struct DependencyBreaksController: Sendable {
    struct Example: Encodable, Equatable {
        /// The caller's side (the trace to open first), or the fragment when the caller is unknown.
        var traceID: String
        /// The callee's side: the trace the call started.
        var otherTraceID: String?
        var requestID: String?
        var code: String
        var hop: String
        var ambiguous: Bool
    }

    struct Link: Encodable {
        var parent: String
        var child: String
        var callCount: Int
        var errorCount: Int
        /// Calls whose trace context was lost at this hop.
        var brokenCount: Int
        /// Of those, the ones matched to several requests (time only, `ambiguous`).
        var ambiguousCount: Int
        /// Cause code → count, e.g. `missing-b3: 3`.
        var causes: [String: Int]
        /// The hops as findings write them (`reviews-v2 -> ratings`): which version broke it.
        var hops: [String]
        var brokenExamples: [Example]
        /// Traces with a failed call on this edge.
        var errorExamples: [String]
        /// Traces with a call on this edge.
        var exampleTraceIDs: [String]
    }

    struct Body: Encodable {
        var links: [Link]
        var tracesAnalysed: Int
        var traceLimit: Int
        var endTs: UInt64
        var lookback: UInt64
    }

    static let defaultTraceLimit = 300
    static let maxTraceLimit = 2_000
    static let examplesPerKind = 5

    let store: any SpanStorage
    let defaultLookbackMillis: UInt64
    let now: @Sendable () -> UInt64
    let logger: Logger

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/api/tracelab/dependencies") { request, _ in
            await dependencies(request)
        }
    }

    func dependencies(_ request: Request) async -> Response {
        do {
            let endTs = try QueryParameters.optionalUInt("endTs", in: request) ?? now() / 1000
            let lookback = try QueryParameters.optionalUInt("lookback", in: request) ?? defaultLookbackMillis
            let limit = Int(clamping: min(UInt64(Self.maxTraceLimit), max(1, try QueryParameters.optionalUInt("limit", in: request) ?? UInt64(Self.defaultTraceLimit))))
            let zipkinLinks = try await store.dependencies(endTs: endTs, lookback: lookback)
            let traces = try await store.findTraces(TraceQuery(endTs: endTs, lookback: lookback, limit: limit))
            let links = Self.links(zipkinLinks, traces: traces)
            return JSONResponse.encodable(Body(links: links, tracesAnalysed: traces.count, traceLimit: limit, endTs: endTs, lookback: lookback))
        } catch let error as QueryError {
            return JSONResponse.error(error.message, status: error.status)
        } catch {
            logger.error("dependencies failed", metadata: ["error": "\(error)"])
            return JSONResponse.error("\(error)", status: .internalServerError)
        }
    }

    /// The Zipkin links, each with the breaks and examples the analysis of `traces` finds on it.
    static func links(_ zipkinLinks: [DependencyLink], traces: [[ZipkinSpan]]) -> [Link] {
        let set = TraceAnalyzer.analyze(traces: traces)
        // A hop names its caller by node (`reviews-v2`); edges are between services.
        var serviceOfNode: [String: String] = [:]
        for span in traces.joined() {
            if let node = span.tags["node_id"], let service = span.localEndpoint?.serviceName, serviceOfNode[node] == nil {
                serviceOfNode[node] = service
            }
        }
        func edge(_ hop: String) -> (parent: String, child: String)? {
            guard let arrow = hop.range(of: " -> ") else { return nil }
            let caller = String(hop[..<arrow.lowerBound]), callee = String(hop[arrow.upperBound...])
            return (serviceOfNode[caller] ?? caller, callee)
        }
        struct Key: Hashable { var parent: String; var child: String }
        var order: [Key] = []
        var byKey: [Key: Link] = [:]
        func update(_ key: Key, _ change: (inout Link) -> Void) {
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = Link(parent: key.parent, child: key.child, callCount: 0, errorCount: 0, brokenCount: 0, ambiguousCount: 0,
                                  causes: [:], hops: [], brokenExamples: [], errorExamples: [], exampleTraceIDs: [])
            }
            change(&byKey[key]!)
        }
        for link in zipkinLinks {
            update(Key(parent: link.parent, child: link.child)) { $0.callCount = link.callCount; $0.errorCount = link.errorCount }
        }
        func addBreak(hop: String, code: String, example: Example) {
            guard let (parent, child) = edge(hop) else { return }
            update(Key(parent: parent, child: child)) { link in
                link.brokenCount += 1
                if example.ambiguous { link.ambiguousCount += 1 }
                link.causes[code, default: 0] += 1
                if !link.hops.contains(hop) { link.hops.append(hop) }
                if link.brokenExamples.count < examplesPerKind { link.brokenExamples.append(example) }
            }
        }
        var linked: Set<String> = []
        for link in set.links {
            linked.formUnion([link.fromTraceID, link.toTraceID])
            addBreak(hop: link.hop, code: link.code.rawValue, example: Example(
                traceID: link.fromTraceID, otherTraceID: link.toTraceID, requestID: link.requestID, code: link.code.rawValue, hop: link.hop, ambiguous: false))
        }
        for link in set.ambiguousLinks {
            linked.insert(link.toTraceID)
            linked.formUnion(link.candidates.map(\.traceID))
            addBreak(hop: link.hop, code: link.code.rawValue, example: Example(
                traceID: link.toTraceID, otherTraceID: nil, requestID: nil, code: link.code.rawValue, hop: link.hop, ambiguous: true))
        }
        // Broken links whose other side is not in the window (or was never reported): once per trace and hop.
        for verdict in set.traces where !linked.contains(verdict.traceID) {
            var seen: Set<String> = []
            for finding in verdict.findings where finding.brokenLink {
                guard let hop = finding.hop, seen.insert(hop).inserted else { continue }
                let code = finding.code.rawValue
                addBreak(hop: hop, code: code, example: Example(
                    traceID: verdict.traceID, otherTraceID: nil, requestID: verdict.requestIDs.first, code: code, hop: hop, ambiguous: false))
            }
        }
        // Examples of calls and of failed calls on each edge, newest traces first.
        for verdict in set.traces {
            for hop in verdict.hops {
                let key = Key(parent: hop.callerService, child: hop.callee)
                guard byKey[key] != nil else { continue }
                update(key) { link in
                    if link.exampleTraceIDs.count < examplesPerKind, !link.exampleTraceIDs.contains(verdict.traceID) { link.exampleTraceIDs.append(verdict.traceID) }
                    if hop.error, link.errorExamples.count < examplesPerKind, !link.errorExamples.contains(verdict.traceID) { link.errorExamples.append(verdict.traceID) }
                }
            }
        }
        return order.compactMap { byKey[$0] }
    }
}
