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

    /// The names `Connection` lists that must go too (never the framing headers or `Host`),
    /// in lower case. Tokens that need no removal (`close`, `keep-alive`, the hop-by-hop
    /// names themselves) are ruled out in place, so the usual `Connection: keep-alive` costs
    /// no allocation.
    public static func listed(in fields: HTTP1Fields) -> [String] {
        var listed: [String] = []
        fields.forEachToken(of: .connection) { token in
            if fields.token(token, is: "close") || fields.token(token, is: "keep-alive") { return true }
            let name = String(decoding: fields.bytes[token].map { HTTP1Fields.lower($0) }, as: UTF8.self)
            if !protected.contains(name), !names.contains(name), !listed.contains(name) { listed.append(name) }
            return true
        }
        return listed
    }

    static let protected: [String] = ["content-length", "transfer-encoding", "host"]
}
