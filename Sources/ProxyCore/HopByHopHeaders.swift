import NIOHTTP1

/// Removes the headers that belong to one connection, not to the message (RFC 9110 §7.6.1):
/// `Connection`, `Proxy-Connection`, `Keep-Alive`, `TE`, `Transfer-Encoding`, `Upgrade`, and
/// every name listed in `Connection`. A proxy forwarding them would let a client control the
/// next hop's connection (and chunked framing is redone by the encoder anyway).
public enum HopByHopHeaders {
    public static let names: [String] = ["connection", "proxy-connection", "keep-alive", "te", "transfer-encoding", "upgrade"]

    /// What stripping found that the forwarding side must redo.
    public struct Stripped: Hashable, Sendable {
        /// The message was chunked: the forwarded one must be chunked too (it has no length).
        public var wasChunked: Bool
    }

    /// Strips hop-by-hop headers in place.
    @discardableResult
    public static func strip(_ headers: inout HTTPHeaders) -> Stripped {
        var listed: [String] = []
        for value in headers[canonicalForm: "connection"] {
            let token = value.lowercased()
            if !names.contains(token) { listed.append(token) }
        }
        let chunked = headers[canonicalForm: "transfer-encoding"].contains { $0.lowercased() == "chunked" }
        guard !listed.isEmpty || names.contains(where: { headers.contains(name: $0) }) else {
            return Stripped(wasChunked: false)
        }
        for name in names { headers.remove(name: name) }
        for name in listed { headers.remove(name: String(name)) }
        return Stripped(wasChunked: chunked)
    }
}
