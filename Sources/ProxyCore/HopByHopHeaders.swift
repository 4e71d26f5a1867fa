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
    ///
    /// One scan finds what is there before anything is removed: a message usually carries
    /// one of these at most (`Connection: keep-alive`), and each `HTTPHeaders.remove` is a scan
    /// of its own, which made six removals per message a visible share of the proxy's profile.
    @discardableResult
    public static func strip(_ headers: inout HTTPHeaders) -> Stripped {
        var present: [String] = []
        var listed: [String] = []
        var chunked = false
        for (name, value) in headers {
            guard let hop = hopByHopName(name) else { continue }
            if !present.contains(hop) { present.append(hop) }
            switch hop {
            case "connection":
                for token in tokens(value) where !names.contains(token) && !listed.contains(token) {
                    listed.append(token)
                }
            case "transfer-encoding":
                if tokens(value).contains("chunked") { chunked = true }
            default:
                break
            }
        }
        guard !present.isEmpty else { return Stripped(wasChunked: false) }
        for name in present { headers.remove(name: name) }
        for name in listed { headers.remove(name: name) }
        return Stripped(wasChunked: chunked)
    }

    /// `name` as one of ``names`` when it is one (any case), else nil. Lengths first: most
    /// names are ruled out without looking at their bytes.
    static func hopByHopName(_ name: String) -> String? {
        let candidate: String
        switch name.utf8.count {
        case 2: candidate = "te"
        case 7: candidate = "upgrade"
        case 10:
            guard let first = name.utf8.first else { return nil }
            candidate = first | 0x20 == UInt8(ascii: "c") ? "connection" : "keep-alive"
        case 16: candidate = "proxy-connection"
        case 17: candidate = "transfer-encoding"
        default: return nil
        }
        return name.equalsHeaderName(candidate) ? candidate : nil
    }

    /// A comma-separated header value's tokens, trimmed and in lower case (what
    /// `HTTPHeaders[canonicalForm:]` gives, lowered).
    private static func tokens(_ value: String) -> [String] {
        value.split(separator: ",").compactMap { token in
            let trimmed = token.trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            let end = trimmed.lastIndex(where: { $0 != " " && $0 != "\t" })
            guard let end else { return nil }
            return trimmed[...end].lowercased()
        }
    }
}
