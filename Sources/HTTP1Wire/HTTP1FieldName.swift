/// The field names HTTP/1.1's own rules look at (framing, connection management, `Host`),
/// recognised once while a head is parsed so that those rules never compare names again.
public enum HTTP1FieldName: UInt8, Hashable, Sendable {
    case other
    case host
    case connection
    case contentLength
    case transferEncoding
    case te
    case upgrade
    case keepAlive
    case proxyConnection

    /// The bit of this name in ``HTTP1Fields/present``.
    var bit: UInt16 { 1 << UInt16(rawValue) }

    /// Connection-level fields a proxy drops (RFC 9110 §7.6.1); `Transfer-Encoding` is
    /// decided separately (see ``HopByHopHeaders``).
    public var isConnectionHeader: Bool {
        switch self {
        case .connection, .te, .upgrade, .keepAlive, .proxyConnection: true
        default: false
        }
    }

    /// Classifies the name at `range` of `bytes`, whose ``HTTP1Fields/nameKey(_:)`` is `key`:
    /// a name whose key is not a known name's is ruled out without reading it.
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, key: UInt32) -> HTTP1FieldName {
        // Keys: length << 16 | first byte << 8 | last byte, in lower case.
        let candidate: (HTTP1FieldName, StaticString)
        switch key {
        case 0x02_7465: candidate = (.te, "te")
        case 0x04_6874: candidate = (.host, "host")
        case 0x07_7565: candidate = (.upgrade, "upgrade")
        case 0x0A_636E: candidate = (.connection, "connection")
        case 0x0A_6B65: candidate = (.keepAlive, "keep-alive")
        case 0x0E_6368: candidate = (.contentLength, "content-length")
        case 0x10_706E: candidate = (.proxyConnection, "proxy-connection")
        case 0x11_7467: candidate = (.transferEncoding, "transfer-encoding")
        default: return .other
        }
        let expected = UnsafeBufferPointer(start: candidate.1.utf8Start, count: candidate.1.utf8CodeUnitCount)
        var offset = 0
        for index in range {
            if HTTP1Fields.lower(bytes[index]) != expected[offset] { return .other }
            offset += 1
        }
        return candidate.0
    }
}
