import NIOCore
import NIOHTTP1

/// The answer to a request the HTTP parser refused: 431 when the header section is too large,
/// 400 otherwise, with a message that names the problem. ``ForwardingHandler`` writes it and
/// closes that connection (the bytes after a parse error cannot be trusted).
public struct ProtocolErrorAnswer: Hashable, Sendable {
    public var status: HTTPResponseStatus
    public var message: String

    public init(_ error: HTTPParserError) {
        (status, message) = Self.describe(error)
    }

    static func describe(_ error: HTTPParserError) -> (HTTPResponseStatus, String) {
        switch error {
        case .headerOverflow:
            return (HTTPResponseStatus(statusCode: 431), "request header section too large")
        case .unexpectedContentLength:
            return (.badRequest, "bad request: conflicting or duplicate Content-Length, or Content-Length with Transfer-Encoding")
        case .invalidHeaderToken:
            return (.badRequest, "bad request: invalid byte in a header name or value")
        case .invalidContentLength:
            return (.badRequest, "bad request: invalid Content-Length")
        default:
            return (.badRequest, "bad request: malformed HTTP/1.1 message (\(error))")
        }
    }
}
