import AsyncHTTPClient
import Zipkin

/// Reads traces from a Zipkin v2 query API (zipkin2-api.yaml): TraceLab's collector, an
/// openzipkin server, or anything else that serves `/api/v2/trace/{traceId}` and
/// `/api/v2/traces`.
///
/// (Jaeger's and the OpenTelemetry Collector's *receivers* accept Zipkin spans but do not
/// serve this query API; read Jaeger with `JaegerAPIBackend`.)
public struct ZipkinAPIBackend: TraceBackend {
    /// `http(s)://host:port[/prefix]`, without the `/api/v2` part.
    public let baseURL: String
    let transport: any TraceBackendTransport

    /// - Parameters:
    ///   - baseURL: the server's base URL, e.g. `http://127.0.0.1:9411`.
    ///   - httpClient: the client for the GETs; the caller owns its lifecycle.
    public init(baseURL: String, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(10)) {
        self.init(baseURL: baseURL, transport: HTTPClientTraceBackendTransport(httpClient: httpClient, timeout: timeout))
    }

    /// A backend whose GETs go through `transport` (tests use recorded answers).
    public init(baseURL: String, transport: any TraceBackendTransport) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.transport = transport
    }

    public func trace(id: String) async throws -> [ZipkinSpan] {
        let url = try traceURL(id: id)
        let response = try await transport.get(url)
        return try Self.decodeTrace(response, url: url)
    }

    public func traces(serviceName: String?, lookback: Duration, limit: Int) async throws -> [[ZipkinSpan]] {
        let url = tracesURL(serviceName: serviceName, lookback: lookback, limit: limit)
        let response = try await transport.get(url)
        return try Self.decodeTraceList(response, url: url)
    }

    // MARK: pure parts (tested directly)

    /// `GET {base}/api/v2/trace/{traceId}`.
    func traceURL(id: String) throws(TraceBackendError) -> String {
        guard let hex = BackendIDText.normalised(id) else { throw TraceBackendError(.invalidTraceID(id)) }
        return "\(baseURL)/api/v2/trace/\(hex)"
    }

    /// `GET {base}/api/v2/traces?serviceName=…&lookback=ms&limit=N`. `endTs` is left to the
    /// server ("now" on its clock), so a skewed client clock cannot hide fresh traces.
    func tracesURL(serviceName: String?, lookback: Duration, limit: Int) -> String {
        var query: [(String, String)] = []
        if let serviceName, !serviceName.isEmpty {
            // Zipkin stores service names lower-cased.
            query.append(("serviceName", serviceName.lowercased()))
        }
        query.append(("lookback", String(QueryString.milliseconds(lookback))))
        query.append(("limit", String(max(1, limit))))
        return "\(baseURL)/api/v2/traces?\(QueryString.encode(query))"
    }

    /// 200 → the spans; 404 → `[]` (Zipkin's answer for an unknown id); anything else throws.
    static func decodeTrace(_ response: TraceBackendResponse, url: String) throws(TraceBackendError) -> [ZipkinSpan] {
        switch response.status {
        case 200:
            do {
                return try ZipkinJSONDecoder().decodeSpans(response.body)
            } catch {
                throw TraceBackendError(.invalidResponse(url: url, why: "not a Zipkin v2 span list: \(error)"))
            }
        case 404:
            return []
        default:
            throw TraceBackendError(.unexpectedStatus(url: url, status: response.status, body: response.bodySnippet))
        }
    }

    static func decodeTraceList(_ response: TraceBackendResponse, url: String) throws(TraceBackendError) -> [[ZipkinSpan]] {
        guard response.status == 200 else {
            throw TraceBackendError(.unexpectedStatus(url: url, status: response.status, body: response.bodySnippet))
        }
        do {
            return try ZipkinJSONDecoder().decodeTraceList(response.body)
        } catch {
            throw TraceBackendError(.invalidResponse(url: url, why: "not a Zipkin v2 list of traces: \(error)"))
        }
    }
}
