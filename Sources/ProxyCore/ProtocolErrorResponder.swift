import NIOCore
import NIOHTTP1

/// Answers requests the HTTP parser refused: 431 when the header section is too large, 400
/// otherwise, with a body that names the problem, then closes that connection (the bytes
/// after a parse error cannot be trusted). Other connections are unaffected.
///
/// Sits where NIO's `HTTPServerProtocolErrorHandler` would, behind the pipelining handler.
public final class ProtocolErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias InboundOut = HTTPServerRequestPart
    public typealias OutboundIn = HTTPServerResponsePart
    public typealias OutboundOut = HTTPServerResponsePart

    private var responseInFlight = false
    private let onRejected: @Sendable () -> Void

    public init(onRejected: @escaping @Sendable () -> Void = {}) {
        self.onRejected = onRejected
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        onRejected()
        if responseInFlight {
            context.close(promise: nil)
            return
        }
        let (status, message) = Self.describe(parserError)
        let body = context.channel.allocator.buffer(string: message + "\n")
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        headers.add(name: "content-length", value: String(body.readableBytes))
        headers.add(name: "connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head: responseInFlight = true
        case .end: responseInFlight = false
        case .body: break
        }
        context.write(data, promise: promise)
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
