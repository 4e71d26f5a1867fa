import NIOCore

/// Receives the bytes of the response on an upstream connection (the forwarding handler).
public protocol UpstreamResponseReceiver: AnyObject {
    func upstreamRead(_ bytes: ByteBuffer)
    func upstreamReadComplete()
    func upstreamClosed()
    /// The upstream socket can take more (or no more) request bytes: pause or resume reading
    /// the downstream request so a slow app never makes the proxy buffer without bound.
    func upstreamWritabilityChanged(isWritable: Bool)
}

/// One HTTP/1.1 connection (plain TCP, no codec) to an upstream endpoint, lent by the pool to one request at a time.
public final class UpstreamConnection {
    public let channel: any Channel
    public let address: HostPort
    let handler: UpstreamResponseHandler
    /// Whether it served a request before (a reused connection may have been closed by the
    /// server meanwhile, so a request that got no answer on it is retried once).
    public internal(set) var reused = false

    init(channel: any Channel, address: HostPort, handler: UpstreamResponseHandler) {
        self.channel = channel
        self.address = address
        self.handler = handler
    }

    public var receiver: (any UpstreamResponseReceiver)? {
        get { handler.receiver }
        set { handler.receiver = newValue }
    }
}

/// The only handler of an upstream connection's pipeline: hands the response's bytes to
/// whichever request currently holds the connection, which reads the response itself.
public final class UpstreamResponseHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer

    weak var receiver: (any UpstreamResponseReceiver)?

    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        if let receiver {
            receiver.upstreamRead(bytes)
        } else {
            // Nobody asked: an idle connection the server talks on is unusable.
            context.close(promise: nil)
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        receiver?.upstreamReadComplete()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        let receiver = self.receiver
        self.receiver = nil
        receiver?.upstreamClosed()
        context.fireChannelInactive()
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        receiver?.upstreamWritabilityChanged(isWritable: context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
