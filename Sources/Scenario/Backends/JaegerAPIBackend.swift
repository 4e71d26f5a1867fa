import AsyncHTTPClient
import Foundation
import Zipkin

/// Reads traces from Jaeger's HTTP query API (the one Jaeger's UI uses, port 16686):
/// `GET /api/traces/{traceID}`, `GET /api/traces?service=…`, `GET /api/services`, and maps
/// them onto TraceLab's span model with `JaegerSpanMapper`.
///
/// The sidecars report to Jaeger through its Zipkin receiver (`--zipkin
/// http://jaeger:9411/api/v2/spans`); this backend reads them back, so the same scenarios
/// verify a lab whose spans live in Jaeger.
public struct JaegerAPIBackend: TraceBackend {
    /// `http(s)://host:port[/prefix]`, without the `/api` part.
    public let baseURL: String
    let transport: any TraceBackendTransport
    /// Epoch microseconds now; Jaeger's search takes an absolute `start`/`end` window.
    let now: @Sendable () -> UInt64

    /// - Parameters:
    ///   - baseURL: the query service's base URL, e.g. `http://127.0.0.1:16686`.
    ///   - httpClient: the client for the GETs; the caller owns its lifecycle.
    public init(baseURL: String, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(10)) {
        self.init(baseURL: baseURL, transport: HTTPClientTraceBackendTransport(httpClient: httpClient, timeout: timeout))
    }

    /// A backend whose GETs go through `transport`, with an injectable clock (tests).
    public init(baseURL: String, transport: any TraceBackendTransport, now: @escaping @Sendable () -> UInt64 = JaegerAPIBackend.systemMicroseconds) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.transport = transport
        self.now = now
    }

    /// The wall clock in epoch microseconds.
    public static let systemMicroseconds: @Sendable () -> UInt64 = {
        UInt64(max(0, Date().timeIntervalSince1970 * 1_000_000))
    }

    public func trace(id: String) async throws -> [ZipkinSpan] {
        let url = try traceURL(id: id)
        return try Self.decodeTrace(try await transport.get(url), url: url)
    }

    /// Jaeger's search needs a service, so with `serviceName == nil` every service from
    /// `/api/services` is searched and the traces merged (a trace found through two of its
    /// services counts once), newest first.
    public func traces(serviceName: String?, lookback: Duration, limit: Int) async throws -> [[ZipkinSpan]] {
        let services: [String]
        if let serviceName, !serviceName.isEmpty {
            services = [serviceName]
        } else {
            let url = servicesURL()
            services = try Self.decodeServices(try await transport.get(url), url: url)
        }
        let end = now()
        var found: [[ZipkinSpan]] = []
        for service in services {
            let url = tracesURL(serviceName: service, lookback: lookback, limit: limit, end: end)
            found += try Self.decodeTraceList(try await transport.get(url), url: url)
        }
        return Self.mergeNewestFirst(found, limit: limit)
    }

    // MARK: pure parts (tested directly)

    func traceURL(id: String) throws(TraceBackendError) -> String {
        guard let hex = BackendIDText.normalised(id) else { throw TraceBackendError(.invalidTraceID(id)) }
        return "\(baseURL)/api/traces/\(hex)"
    }

    func servicesURL() -> String { "\(baseURL)/api/services" }

    /// `GET {base}/api/traces?service=S&start=µs&end=µs&limit=N` (start/end in epoch µs, as
    /// Jaeger's query parser reads them).
    func tracesURL(serviceName: String, lookback: Duration, limit: Int, end: UInt64) -> String {
        let span = UInt64(QueryString.microseconds(lookback))
        let start = end > span ? end - span : 0
        let query: [(String, String)] = [
            ("service", serviceName),
            ("start", String(start)),
            ("end", String(end)),
            ("limit", String(max(1, limit))),
        ]
        return "\(baseURL)/api/traces?\(QueryString.encode(query))"
    }

    /// 200 → the spans of every trace in `data` (Jaeger may split one id into several);
    /// 404 → `[]` (`{"errors":[{"code":404,"msg":"trace not found"}]}`); anything else throws.
    static func decodeTrace(_ response: TraceBackendResponse, url: String) throws(TraceBackendError) -> [ZipkinSpan] {
        switch response.status {
        case 200:
            return try decodeTraceList(response, url: url).flatMap { $0 }
        case 404:
            return []
        default:
            throw TraceBackendError(.unexpectedStatus(url: url, status: response.status, body: errorMessage(response)))
        }
    }

    static func decodeTraceList(_ response: TraceBackendResponse, url: String) throws(TraceBackendError) -> [[ZipkinSpan]] {
        guard response.status == 200 else {
            throw TraceBackendError(.unexpectedStatus(url: url, status: response.status, body: errorMessage(response)))
        }
        do throws(JaegerDecodingFailure) {
            let decoded = try JSONDecoder.decodeJaeger([JaegerTrace].self, from: response.body)
            if decoded.data == nil, let first = decoded.errors?.first {
                throw JaegerDecodingFailure(why: "Jaeger reported an error: \(first.msg ?? "code \(first.code ?? 0)")")
            }
            var traces: [[ZipkinSpan]] = []
            for trace in decoded.data ?? [] {
                traces.append(try JaegerSpanMapper.spans(of: trace))
            }
            return traces
        } catch {
            throw TraceBackendError(.invalidResponse(url: url, why: "not a Jaeger trace list: \(error.why)"))
        }
    }

    static func decodeServices(_ response: TraceBackendResponse, url: String) throws(TraceBackendError) -> [String] {
        guard response.status == 200 else {
            throw TraceBackendError(.unexpectedStatus(url: url, status: response.status, body: errorMessage(response)))
        }
        do throws(JaegerDecodingFailure) {
            return try JSONDecoder.decodeJaeger([String].self, from: response.body).data ?? []
        } catch {
            throw TraceBackendError(.invalidResponse(url: url, why: "not a Jaeger service list: \(error.why)"))
        }
    }

    /// Jaeger's error JSON message when there is one, else the start of the body.
    static func errorMessage(_ response: TraceBackendResponse) -> String {
        if let decoded = try? JSONDecoder.decodeJaeger([JaegerTrace].self, from: response.body),
           let message = decoded.errors?.compactMap(\.msg).first {
            return message
        }
        return response.bodySnippet
    }

    /// Drops repeats of a trace (found through several services), orders by start time,
    /// newest first, and keeps `limit`.
    static func mergeNewestFirst(_ traces: [[ZipkinSpan]], limit: Int) -> [[ZipkinSpan]] {
        var seen: Set<String> = []
        var unique: [(start: UInt64, spans: [ZipkinSpan])] = []
        for trace in traces {
            guard let first = trace.first else { continue }
            guard seen.insert(first.traceID.hex).inserted else { continue }
            unique.append((trace.compactMap(\.timestamp).min() ?? 0, trace))
        }
        unique.sort { $0.start > $1.start }
        return unique.prefix(max(0, limit)).map(\.spans)
    }
}
