/// A request head read off the wire (RFC 9112 §3): method, target and version as byte ranges,
/// the fields in place.
public struct HTTP1RequestHead: Sendable {
    public let fields: HTTP1Fields
    public let method: Range<Int>
    public let target: Range<Int>
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public let minorVersion: Int

    public init(fields: HTTP1Fields, method: Range<Int>, target: Range<Int>, minorVersion: Int) {
        self.fields = fields
        self.method = method
        self.target = target
        self.minorVersion = minorVersion
    }

    public var methodString: String {
        String(decoding: fields.bytes[method], as: UTF8.self)
    }

    public var targetString: String {
        String(decoding: fields.bytes[target], as: UTF8.self)
    }

    public var isHEAD: Bool {
        method.count == 4 && fields.bytes[method].elementsEqual("HEAD".utf8)
    }

    /// Whether the client keeps the connection open after the response (RFC 9112 §9.3):
    /// HTTP/1.1 unless `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool {
        HTTP1Connection.keepAlive(minorVersion: minorVersion, fields: fields)
    }
}
