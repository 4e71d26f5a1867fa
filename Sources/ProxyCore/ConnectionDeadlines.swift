import NIOCore
import NIOHTTP1

/// Closes a downstream connection whose client is too slow to send a request head (slowloris)
/// or that sits idle too long between requests, like Envoy's `request_headers_timeout` and
/// `idle_timeout`.
///
/// Two handlers share one state: ``ConnectionDeadlines/ByteWatcher`` sits before the HTTP
/// decoder and starts the head clock on the first byte of a request; ``ConnectionDeadlines/HeadWatcher``
/// sits after it, stops the clock when the head is decoded and starts the idle clock when the
/// response has been written. Both run on the channel's event loop.
public final class ConnectionDeadlines {
    public let headTimeout: TimeAmount
    public let idleTimeout: TimeAmount
    private var headTimer: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?
    private var inRequest = false
    private let onTimeout: @Sendable (Kind) -> Void

    public enum Kind: Sendable {
        /// The request head did not arrive in time after its first byte.
        case requestHead
        /// No request on a kept-alive connection for the idle timeout.
        case idle
    }

    public init(headTimeout: TimeAmount, idleTimeout: TimeAmount, onTimeout: @escaping @Sendable (Kind) -> Void = { _ in }) {
        self.headTimeout = headTimeout
        self.idleTimeout = idleTimeout
        self.onTimeout = onTimeout
    }

    /// The two handlers to add: the first before the HTTP decoder, the second after it.
    public func handlers() -> (ByteWatcher, HeadWatcher) {
        (ByteWatcher(deadlines: self), HeadWatcher(deadlines: self))
    }

    func bytesArrived(_ context: ChannelHandlerContext) {
        cancelIdle()
        guard !inRequest, headTimer == nil else { return }
        let channel = context.channel
        let report = onTimeout
        headTimer = context.eventLoop.scheduleTask(in: headTimeout) {
            report(.requestHead)
            channel.close(promise: nil)
        }
    }

    func headArrived() {
        inRequest = true
        headTimer?.cancel()
        headTimer = nil
    }

    func responseEnded(_ context: ChannelHandlerContext) {
        inRequest = false
        startIdle(context)
    }

    func startIdle(_ context: ChannelHandlerContext) {
        cancelIdle()
        let channel = context.channel
        let report = onTimeout
        idleTimer = context.eventLoop.scheduleTask(in: idleTimeout) {
            report(.idle)
            channel.close(promise: nil)
        }
    }

    func cancelAll() {
        headTimer?.cancel()
        headTimer = nil
        cancelIdle()
    }

    private func cancelIdle() {
        idleTimer?.cancel()
        idleTimer = nil
    }

    /// Before the decoder: raw bytes start the head clock.
    public final class ByteWatcher: ChannelInboundHandler {
        public typealias InboundIn = ByteBuffer
        public typealias InboundOut = ByteBuffer
        let deadlines: ConnectionDeadlines

        init(deadlines: ConnectionDeadlines) {
            self.deadlines = deadlines
        }

        public func channelActive(context: ChannelHandlerContext) {
            deadlines.startIdle(context)
            context.fireChannelActive()
        }

        public func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { deadlines.startIdle(context) }
        }

        public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            deadlines.bytesArrived(context)
            context.fireChannelRead(data)
        }

        public func channelInactive(context: ChannelHandlerContext) {
            deadlines.cancelAll()
            context.fireChannelInactive()
        }
    }

    /// After the decoder: a decoded head stops the clock, a written response end starts idling.
    public final class HeadWatcher: ChannelDuplexHandler {
        public typealias InboundIn = HTTPServerRequestPart
        public typealias InboundOut = HTTPServerRequestPart
        public typealias OutboundIn = HTTPServerResponsePart
        public typealias OutboundOut = HTTPServerResponsePart
        let deadlines: ConnectionDeadlines

        init(deadlines: ConnectionDeadlines) {
            self.deadlines = deadlines
        }

        public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head = unwrapInboundIn(data) { deadlines.headArrived() }
            context.fireChannelRead(data)
        }

        public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) { deadlines.responseEnded(context) }
            context.write(data, promise: promise)
        }
    }
}
