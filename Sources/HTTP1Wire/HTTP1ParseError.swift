/// Why bytes are not an HTTP/1.1 message the proxy will pass on, and what the client should
/// hear: 431 for a header section over the limit, 501/505 for what the proxy does not speak,
/// 400 for the rest (RFC 9112). The description names the problem for the client and logs.
public struct HTTP1ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case headTooLarge(limit: Int)
        case invalidRequestLine
        case invalidStatusLine
        case unsupportedVersion
        case unsupportedMethod(String)
        case invalidByteInName(UInt8, line: Int)
        case invalidByteInValue(UInt8, name: String)
        case whitespaceBeforeColon(line: Int)
        case obsoleteLineFolding(line: Int)
        case bareLineFeed(line: Int)
        case bareCarriageReturn(line: Int)
        case missingColon(line: Int)
        case contentLengthWithTransferEncoding
        case conflictingContentLength([String])
        case invalidContentLength(String)
        case unsupportedTransferEncoding(String)
        case invalidChunkSize
        case invalidChunkFraming
        case chunkLineTooLong
        case trailersTooLarge(limit: Int)
    }

    public var kind: Kind

    public init(_ kind: Kind) {
        self.kind = kind
    }

    /// The status a server answers this with.
    public var status: Int {
        switch kind {
        case .headTooLarge, .trailersTooLarge: 431
        case .unsupportedVersion: 505
        case .unsupportedMethod, .unsupportedTransferEncoding: 501
        default: 400
        }
    }

    public var description: String {
        switch kind {
        case .headTooLarge(let limit):
            "header section too large: over the limit of \(limit) bytes"
        case .invalidRequestLine:
            "malformed request line: expected 'METHOD target HTTP/1.1'"
        case .invalidStatusLine:
            "malformed status line: expected 'HTTP/1.1 200 reason'"
        case .unsupportedVersion:
            "only HTTP/1.0 and HTTP/1.1 are spoken here"
        case .unsupportedMethod(let method):
            "\(method) is not supported by this proxy"
        case .invalidByteInName(let byte, let line):
            "invalid byte \(Self.hex(byte)) in a header name (header line \(line))"
        case .invalidByteInValue(let byte, let name):
            "invalid byte \(Self.hex(byte)) in the value of header '\(name)'"
        case .whitespaceBeforeColon(let line):
            "whitespace between a header name and its colon (header line \(line))"
        case .obsoleteLineFolding(let line):
            "obsolete line folding (a header line starting with a space or tab, header line \(line)); send each value on one line"
        case .bareLineFeed(let line):
            "a line ending in LF without CR (header line \(line)); lines end in CRLF"
        case .bareCarriageReturn(let line):
            "a CR not followed by LF (header line \(line))"
        case .missingColon(let line):
            "a header line without a colon (header line \(line))"
        case .contentLengthWithTransferEncoding:
            "both Content-Length and Transfer-Encoding are present; send only one"
        case .conflictingContentLength(let values):
            "conflicting Content-Length values \(values.joined(separator: ", "))"
        case .invalidContentLength(let value):
            "Content-Length '\(value)' is not a number"
        case .unsupportedTransferEncoding(let value):
            "Transfer-Encoding '\(value)' does not end in chunked, so the body's length is unknown"
        case .invalidChunkSize:
            "malformed chunk size in a chunked body"
        case .invalidChunkFraming:
            "malformed chunked body: a chunk's data is not followed by CRLF"
        case .chunkLineTooLong:
            "a chunk-size line (with its extensions) is too long"
        case .trailersTooLarge(let limit):
            "the trailer section of a chunked body is over the limit of \(limit) bytes"
        }
    }

    static func hex(_ byte: UInt8) -> String {
        "0x" + String(byte, radix: 16)
    }
}
