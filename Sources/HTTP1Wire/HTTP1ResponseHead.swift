/// A response head read off the wire (RFC 9112 §4).
public struct HTTP1ResponseHead: Sendable {
    public let fields: HTTP1Fields
    public let status: Int
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public let minorVersion: Int
    /// The status line after the version (`200 OK`), without its CRLF.
    public let statusText: Range<Int>
    /// Where the fields start (after the status line's CRLF).
    public let fieldsStart: Int

    public init(fields: HTTP1Fields, status: Int, minorVersion: Int, statusText: Range<Int>, fieldsStart: Int) {
        self.fields = fields
        self.status = status
        self.minorVersion = minorVersion
        self.statusText = statusText
        self.fieldsStart = fieldsStart
    }

    /// A 1xx other than 101: another head follows on the same connection.
    public var isInterim: Bool {
        status >= 100 && status < 200 && status != 101
    }

    /// Whether the server keeps the connection open after this response.
    public var keepAlive: Bool {
        HTTP1Connection.keepAlive(minorVersion: minorVersion, fields: fields)
    }
}
