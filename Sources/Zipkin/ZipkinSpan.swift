import TraceContext

/// A Zipkin v2 span (zipkin2-api.yaml, `Span`), normalised at construction like openzipkin's
/// `zipkin2.Span`: ids are typed (lower-hex on the wire), times are epoch microseconds, tag
/// values are strings.
public struct ZipkinSpan: Hashable, Sendable {
    /// The role of a span in an RPC (zipkin2-api.yaml, `Span.kind`).
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case client = "CLIENT"
        case server = "SERVER"
        case producer = "PRODUCER"
        case consumer = "CONSUMER"
    }

    public var traceID: TraceID
    public var id: SpanID
    public var parentID: SpanID?
    /// The operation, lower-cased by Zipkin's UI; nil when absent (an empty name is nil too).
    public var name: String?
    public var kind: Kind?
    /// Epoch microseconds of the start.
    public var timestamp: UInt64?
    /// Microseconds; nil when unknown (Zipkin drops zero durations the same way).
    public var duration: UInt64?
    public var localEndpoint: ZipkinEndpoint?
    public var remoteEndpoint: ZipkinEndpoint?
    public var annotations: [ZipkinAnnotation]
    public var tags: ZipkinTags
    public var debug: Bool
    /// Set by the server side of a B3 hop that reuses the client's span id (Envoy does).
    public var shared: Bool

    public init(
        traceID: TraceID, id: SpanID, parentID: SpanID? = nil, name: String? = nil, kind: Kind? = nil,
        timestamp: UInt64? = nil, duration: UInt64? = nil,
        localEndpoint: ZipkinEndpoint? = nil, remoteEndpoint: ZipkinEndpoint? = nil,
        annotations: [ZipkinAnnotation] = [], tags: ZipkinTags = [:],
        debug: Bool = false, shared: Bool = false
    ) {
        self.traceID = traceID
        self.id = id
        self.parentID = parentID
        self.name = name.flatMap { $0.isEmpty ? nil : $0 }
        self.kind = kind
        self.timestamp = timestamp.flatMap { $0 == 0 ? nil : $0 }
        self.duration = duration.flatMap { $0 == 0 ? nil : $0 }
        self.localEndpoint = localEndpoint
        self.remoteEndpoint = remoteEndpoint
        self.annotations = annotations
        self.tags = tags
        self.debug = debug
        self.shared = shared
    }

    /// `localEndpoint.serviceName`, the service that reported the span.
    public var localServiceName: String? { localEndpoint?.serviceName }
    /// `remoteEndpoint.serviceName`, the peer of a CLIENT or SERVER span.
    public var remoteServiceName: String? { remoteEndpoint?.serviceName }
    /// End of the span in epoch microseconds, when both timestamp and duration are known and
    /// their sum fits (a decoded span can carry any two 64-bit numbers; nil, not a trap).
    public var endTimestamp: UInt64? {
        guard let timestamp, let duration else { return nil }
        let (end, overflow) = timestamp.addingReportingOverflow(duration)
        return overflow ? nil : end
    }
}

/// The network context of a node in the service graph (zipkin2-api.yaml, `Endpoint`).
public struct ZipkinEndpoint: Hashable, Sendable {
    /// Lower-case service name, as Zipkin stores it.
    public var serviceName: String?
    public var ipv4: String?
    public var ipv6: String?
    public var port: UInt16?

    public init(serviceName: String? = nil, ipv4: String? = nil, ipv6: String? = nil, port: UInt16? = nil) {
        // Most names arrive lower case already; skip the copy `lowercased()` makes.
        self.init(
            lowercaseServiceName: serviceName.map { ZipkinEndpoint.isLowercase($0.utf8) ? $0 : $0.lowercased() },
            ipv4: ipv4, ipv6: ipv6, port: port
        )
    }

    /// For a name already known to be lower case (`isLowercase`, which a decoder can check on
    /// the name's bytes before building the `String`).
    init(lowercaseServiceName serviceName: String?, ipv4: String?, ipv6: String?, port: UInt16?) {
        self.serviceName = serviceName.flatMap { $0.isEmpty ? nil : $0 }
        self.ipv4 = ipv4
        self.ipv6 = ipv6
        self.port = port.flatMap { $0 == 0 ? nil : $0 }
    }

    public var isEmpty: Bool { serviceName == nil && ipv4 == nil && ipv6 == nil && port == nil }

    /// Whether a service name's UTF-8 has nothing to lower-case: no ASCII capitals, and no
    /// non-ASCII bytes (left to `lowercased()`).
    static func isLowercase(_ utf8: some Sequence<UInt8>) -> Bool {
        !utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") || $0 >= 0x80 }
    }
}

/// An event in a span's life (zipkin2-api.yaml, `Annotation`).
public struct ZipkinAnnotation: Hashable, Sendable {
    /// Epoch microseconds.
    public var timestamp: UInt64
    public var value: String

    public init(timestamp: UInt64, value: String) {
        self.timestamp = timestamp
        self.value = value
    }
}
