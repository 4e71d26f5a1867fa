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
        // One pass, backwards, so the first attribute met of each ranked name is its last one,
        // which decides that rank; the best rank with a non-empty text wins. Every ranked name
        // starts with d, n or p or s: other keys (most of them) cost a byte comparison.
        var decided: UInt32 = 0
        var best: (rank: Int, text: String)?
        for index in attributes.indices.reversed() {
            // By index: the attribute is borrowed where it lies, not copied.
            guard let rank = rank(of: attributes[index].key), rank < (best?.rank ?? candidates), decided & (1 << rank) == 0 else { continue }
            decided |= 1 << rank
            if let text = AttributeText.tag(attributes[index].value), !text.isEmpty { best = (rank, text) }
        }
        guard let best else { return nil }
        let port = ranked[best.rank].port.flatMap { name in
            attributes.last(where: { $0.hasKey(name) }).flatMap { AttributeText.tag($0.value) }.flatMap { UInt16($0) }
        }
        if IPAddressText.isIPv4(best.text) { return ZipkinEndpoint(ipv4: best.text, port: port) }
        if IPAddressText.isIPv6(best.text) { return ZipkinEndpoint(ipv6: best.text, port: port) }
        return ZipkinEndpoint(serviceName: best.text, port: port)
    }

    /// The rank whose name is `key`, nil for other keys.
    private static func rank(of key: ArraySlice<UInt8>) -> Int? {
        switch key.first {
        case UInt8(ascii: "d"), UInt8(ascii: "n"), UInt8(ascii: "p"), UInt8(ascii: "s"): break
        default: return nil
        }
        return ranked.firstIndex { $0.name.utf8.count == key.count && key.elementsEqual($0.name.utf8) }
    }
}
