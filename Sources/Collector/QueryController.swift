import Hummingbird
import Logging
import SpanStore
import TraceContext
import Zipkin

/// The Zipkin v2 read API (zipkin2-api.yaml): the shapes and status codes the Zipkin UI and
/// Zipkin clients expect, so they can point at the collector unchanged.
struct QueryController: Sendable {
    let store: any SpanStorage
    let defaultLookbackMillis: UInt64
    let now: @Sendable () -> UInt64
    let logger: Logger

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/api/v2/services") { _, _ in
            await answer { try await JSONResponse.encodable(store.serviceNames()) }
        }
        router.get("/api/v2/spans") { request, _ in
            await answer {
                let service = try QueryParameters.required("serviceName", in: request)
                return try await JSONResponse.encodable(store.spanNames(service: service))
            }
        }
        router.get("/api/v2/remoteServices") { request, _ in
            await answer {
                let service = try QueryParameters.required("serviceName", in: request)
                return try await JSONResponse.encodable(store.remoteServiceNames(service: service))
            }
        }
        router.get("/api/v2/traces") { request, _ in
            await answer {
                let query = try QueryParameters.traceQuery(request, nowMillis: now() / 1000, defaultLookback: defaultLookbackMillis)
                return try await JSONResponse.traces(store.findTraces(query))
            }
        }
        router.get("/api/v2/trace/:traceId") { _, context in
            await answer {
                let id = try QueryParameters.traceID(context.parameters.get("traceId") ?? "", parameter: "traceId")
                let spans = try await store.trace(id: id)
                guard !spans.isEmpty else { throw QueryError(.notFound, "trace \(id.hex) not found") }
                return JSONResponse.trace(spans)
            }
        }
        router.get("/api/v2/traceMany") { request, _ in
            await answer {
                let ids = try QueryParameters.traceIDs(request)
                return try await JSONResponse.traces(store.traces(ids: ids))
            }
        }
        router.get("/api/v2/dependencies") { request, _ in
            await answer {
                let endTs = try QueryParameters.requiredUInt("endTs", in: request)
                let lookback = try QueryParameters.optionalUInt("lookback", in: request) ?? defaultLookbackMillis
                return try await JSONResponse.encodable(store.dependencies(endTs: endTs, lookback: lookback))
            }
        }
        // The Zipkin UI asks for these; TraceLab configures no autocomplete keys.
        router.get("/api/v2/autocompleteKeys") { _, _ in JSONResponse.encodable([String]()) }
        router.get("/api/v2/autocompleteValues") { request, _ in
            await answer {
                _ = try QueryParameters.required("key", in: request)
                return JSONResponse.encodable([String]())
            }
        }
    }

    /// Runs a route body and turns its failures into JSON error answers.
    private func answer(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as QueryError {
            return JSONResponse.error(error.message, status: error.status)
        } catch let error as SpanStoreError {
            switch error.reason {
            case .invalidAnnotationQuery, .invalidQuery:
                return JSONResponse.error(error.description, status: .badRequest)
            case .database, .corruptRow:
                logger.error("query failed", metadata: ["error": "\(error)"])
                return JSONResponse.error(error.description, status: .internalServerError)
            }
        } catch {
            logger.error("query failed", metadata: ["error": "\(error)"])
            return JSONResponse.error("\(error)", status: .internalServerError)
        }
    }
}

/// A query the API refuses, with its status and a message naming the parameter.
struct QueryError: Error {
    var status: HTTPResponse.Status
    var message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
}
