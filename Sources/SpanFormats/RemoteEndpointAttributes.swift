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
    static func endpoint(for kind: ZipkinSpan.Kind?, attributes: [OTLPKeyValue]) -> ZipkinEndpoint? {
        let candidates = kind == .client || kind == .producer ? ranked.count : 1
        // One pass over the attributes: the last of each ranked name, and of each port name,
        // instead of a scan per ranked name. Every such name starts with d, n, p or s: other
        // keys (most of them) cost one byte comparison.
        var texts: [String?] = Array(repeating: nil, count: candidates)
        var ports: [String?] = Array(repeating: nil, count: ranked.count)
        for attribute in attributes {
            switch attribute.key.utf8.first {
            case UInt8(ascii: "d"), UInt8(ascii: "n"), UInt8(ascii: "p"), UInt8(ascii: "s"): break
            default: continue
            }
            let length = attribute.key.utf8.count
            if let rank = ranked.firstIndex(where: { $0.name.utf8.count == length && $0.name == attribute.key }) {
                if rank < candidates { texts[rank] = AttributeText.tag(attribute.value) }
            } else if let rank = ranked.firstIndex(where: { $0.port?.utf8.count == length && $0.port == attribute.key }) {
                ports[rank] = AttributeText.tag(attribute.value)
            }
        }
        for (rank, text) in texts.enumerated() {
            guard let value = text, !value.isEmpty else { continue }
            let port = ports[rank].flatMap { UInt16($0) }
            if IPAddressText.isIPv4(value) { return ZipkinEndpoint(ipv4: value, port: port) }
            if IPAddressText.isIPv6(value) { return ZipkinEndpoint(ipv6: value, port: port) }
            return ZipkinEndpoint(serviceName: value, port: port)
        }
        return nil
    }
}
