import TraceContext
import Zipkin

/// What happened to one proxied request, gathered on the request path; turned into a
/// ``ZipkinSpan`` only when the request is sampled.
public struct SpanFacts: Sendable {
    public var kind: ZipkinSpan.Kind
    public var service: String
    public var nodeID: String
    public var method: String
    /// The URL as the app would write it: `http://host/path?query`.
    public var url: String
    public var path: String
    public var statusCode: Int?
    public var upstreamCluster: String
    /// The downstream peer's address (who called this proxy).
    public var peerAddress: String?
    /// For CLIENT spans: the destination service.
    public var remoteService: String?
    /// For CLIENT spans: the endpoint that was called.
    public var remoteAddress: HostPort?
    /// Epoch microseconds.
    public var startMicros: UInt64
    public var durationMicros: UInt64
    /// Why the request failed, when it did (upstream connect failure, timeout, abort…).
    public var error: String?
    /// Envoy-style response flags: `-`, `UF` connect failure, `UT` timeout, `NR` no route,
    /// `FI` fault abort, `DI` fault delay, `UC` upstream closed, `UPE` malformed upstream
    /// response, `DC` downstream closed, `DPE` malformed request body.
    public var responseFlags: String

    public init(
        kind: ZipkinSpan.Kind, service: String, nodeID: String, method: String, url: String, path: String,
        statusCode: Int? = nil, upstreamCluster: String, peerAddress: String? = nil, remoteService: String? = nil,
        remoteAddress: HostPort? = nil, startMicros: UInt64, durationMicros: UInt64, error: String? = nil, responseFlags: String = "-"
    ) {
        self.kind = kind
        self.service = service
        self.nodeID = nodeID
        self.method = method
        self.url = url
        self.path = path
        self.statusCode = statusCode
        self.upstreamCluster = upstreamCluster
        self.peerAddress = peerAddress
        self.remoteService = remoteService
        self.remoteAddress = remoteAddress
        self.startMicros = startMicros
        self.durationMicros = durationMicros
        self.error = error
        self.responseFlags = responseFlags
    }
}

/// Builds the Zipkin span of a proxied request with the tags Envoy/Istio sidecars use.
public enum ProxySpanBuilder {
    public static func span(_ facts: SpanFacts, decision: TraceDecision) -> ZipkinSpan {
        var tags: ZipkinTags = [
            "http.method": facts.method,
            "http.url": facts.url,
            "http.path": facts.path,
            "guid:x-request-id": decision.requestID,
            "node_id": facts.nodeID,
            "upstream_cluster": facts.upstreamCluster,
            "component": "proxy",
            "response_flags": facts.responseFlags,
        ]
        tags.reserveCapacity(12)
        if let status = facts.statusCode { tags["http.status_code"] = String(status) }
        if let peer = facts.peerAddress { tags["peer.address"] = peer }
        if let error = facts.error {
            tags["error"] = error
        } else if let status = facts.statusCode, status >= 500 {
            tags["error"] = "true"
        }
        var remote: ZipkinEndpoint?
        if facts.kind == .client {
            remote = ZipkinEndpoint(serviceName: facts.remoteService, ipv4: facts.remoteAddress.flatMap { isIPv4($0.host) ? $0.host : nil }, port: facts.remoteAddress.map { UInt16(clamping: $0.port) })
        }
        return ZipkinSpan(
            traceID: decision.context.traceID,
            id: decision.context.spanID,
            parentID: decision.context.parentSpanID,
            name: "\(facts.method) \(facts.path)",
            kind: facts.kind,
            timestamp: facts.startMicros,
            duration: max(1, facts.durationMicros),
            localEndpoint: ZipkinEndpoint(serviceName: facts.service),
            remoteEndpoint: remote,
            tags: tags,
            debug: decision.debug,
            shared: decision.shared && facts.kind == .server
        )
    }

    static func isIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }
}
