import Hummingbird
import SpanStore
import TraceContext

/// Reads and validates the query parameters of the Zipkin v2 API; every failure names the
/// parameter and what a valid value looks like.
enum QueryParameters {
    static func required(_ name: String, in request: Request) throws(QueryError) -> String {
        guard let value = request.uri.queryParameters.get(name), !value.isEmpty else {
            throw QueryError(.badRequest, "missing query parameter \(name)")
        }
        return value
    }

    static func optionalUInt(_ name: String, in request: Request) throws(QueryError) -> UInt64? {
        guard let text = request.uri.queryParameters.get(name), !text.isEmpty else { return nil }
        guard let value = UInt64(text) else {
            throw QueryError(.badRequest, "query parameter \(name) must be a non-negative integer, got '\(text)'")
        }
        return value
    }

    static func requiredUInt(_ name: String, in request: Request) throws(QueryError) -> UInt64 {
        guard let value = try optionalUInt(name, in: request) else {
            throw QueryError(.badRequest, "missing query parameter \(name) (epoch milliseconds)")
        }
        return value
    }

    static func traceID(_ text: String, parameter: String) throws(QueryError) -> TraceID {
        do {
            return try TraceID(hex: text.lowercased())
        } catch {
            throw QueryError(.badRequest, "\(parameter) '\(text)' is not a trace id: use 16 or 32 hex characters")
        }
    }

    static func traceIDs(_ request: Request) throws(QueryError) -> [TraceID] {
        let text = try required("traceIds", in: request)
        var ids: [TraceID] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let id = try traceID(String(part), parameter: "traceIds")
            guard !ids.contains(id) else { throw QueryError(.badRequest, "traceIds lists \(id.hex) twice") }
            ids.append(id)
        }
        guard ids.count >= 2 else {
            throw QueryError(.badRequest, "traceIds needs at least two comma-separated ids; use /api/v2/trace/{traceId} for one")
        }
        return ids
    }

    static func traceQuery(_ request: Request, nowMillis: UInt64, defaultLookback: UInt64) throws(QueryError) -> TraceQuery {
        let parameters = request.uri.queryParameters
        let endTs = try optionalUInt("endTs", in: request) ?? nowMillis
        let lookback = try optionalUInt("lookback", in: request) ?? defaultLookback
        let limitValue = try optionalUInt("limit", in: request) ?? 10
        let limit = Int(clamping: limitValue)
        do {
            return try TraceQuery(
                serviceName: parameters.get("serviceName"),
                remoteServiceName: parameters.get("remoteServiceName"),
                spanName: parameters.get("spanName"),
                annotationQuery: AnnotationQuery(parsing: parameters.get("annotationQuery") ?? ""),
                minDuration: optionalUInt("minDuration", in: request),
                maxDuration: optionalUInt("maxDuration", in: request),
                endTs: endTs, lookback: lookback, limit: limit
            )
        } catch let error as QueryError {
            throw error
        } catch {
            throw QueryError(.badRequest, "\(error)")
        }
    }
}
