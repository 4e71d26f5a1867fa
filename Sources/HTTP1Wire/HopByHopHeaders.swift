/// The headers that belong to one connection, not to the message (RFC 9110 §7.6.1):
/// `Connection`, `Proxy-Connection`, `Keep-Alive`, `TE`, `Upgrade`, and every name listed in
/// `Connection`. A proxy that forwarded them would let a client steer the next hop's
/// connection.
///
/// `Transfer-Encoding` is hop-by-hop too, but a proxy that passes the body's bytes on as they
/// came (chunked framing included) must send it on unchanged; ``HTTP1HeadWriter`` drops it
/// only when it removes the framing. A name listed in `Connection` never removes
/// `Content-Length`, `Transfer-Encoding` or `Host`: the body is forwarded as framed, and
/// dropping its framing header would make the next hop read it differently.
public enum HopByHopHeaders {
    public static let names: [String] = ["connection", "proxy-connection", "keep-alive", "te", "transfer-encoding", "upgrade"]

    /// Whether field `index` is one of ``names`` other than `transfer-encoding`. Lengths
    /// first: most names are ruled out without reading their bytes.
    @inline(__always)
    public static func isConnectionHeader(_ fields: HTTP1Fields, _ index: Int) -> Bool {
        switch fields.fields[index].name.count {
        case 2: fields.name(at: index, is: "te")
        case 7: fields.name(at: index, is: "upgrade")
        case 10: fields.name(at: index, is: "connection") || fields.name(at: index, is: "keep-alive")
        case 16: fields.name(at: index, is: "proxy-connection")
        default: false
        }
    }

    /// The names `Connection` lists that must go too (never the framing headers or `Host`).
    public static func listed(in fields: HTTP1Fields) -> [String] {
        guard fields.firstIndex("connection") != nil else { return [] }
        return fields.tokens("connection").filter { !protected.contains($0) && !names.contains($0) }
    }

    static let protected: [String] = ["content-length", "transfer-encoding", "host"]
}
