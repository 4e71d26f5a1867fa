import Zipkin

/// The remote endpoint of an OpenTelemetry span, from its attributes, by the ranking of the
/// OpenTelemetry "Zipkin exporter" specification: a CLIENT or PRODUCER span should name its
/// peer or Zipkin draws no dependency link for it.
enum RemoteEndpointAttributes {
    /// Attribute names by rank, each with the attribute that carries its port, if any.
    static let ranked: [(name: String, port: String?)] = [
        ("peer.service", nil),
        ("server.address", "server.port"),
        ("net.peer.name", "net.peer.port"),
        ("network.peer.address", "network.peer.port"),
        ("server.socket.domain", nil),
        ("server.socket.address", "server.socket.port"),
        ("net.sock.peer.name", nil),
        ("net.sock.peer.addr", "net.sock.peer.port"),
        ("peer.hostname", nil),
        ("peer.address", nil),
        ("db.name", nil),
    ]

    /// For CLIENT and PRODUCER spans the first ranked attribute present; for other kinds only
    /// `peer.service` (a server's `server.address` is itself). An IP literal becomes the
    /// endpoint's address, anything else its service name.
    static func endpoint(for kind: ZipkinSpan.Kind?, attributes: [Opentelemetry_Proto_Common_V1_KeyValue]) -> ZipkinEndpoint? {
        let candidates = kind == .client || kind == .producer ? ranked[...] : ranked[..<1]
        for candidate in candidates {
            guard let value = text(of: candidate.name, in: attributes), !value.isEmpty else { continue }
            let port = candidate.port.flatMap { text(of: $0, in: attributes) }.flatMap { UInt16($0) }
            if IPAddressText.isIPv4(value) { return ZipkinEndpoint(ipv4: value, port: port) }
            if IPAddressText.isIPv6(value) { return ZipkinEndpoint(ipv6: value, port: port) }
            return ZipkinEndpoint(serviceName: value, port: port)
        }
        return nil
    }

    private static func text(of key: String, in attributes: [Opentelemetry_Proto_Common_V1_KeyValue]) -> String? {
        attributes.last { $0.key == key }.flatMap { AttributeText.tag($0.value) }
    }
}
