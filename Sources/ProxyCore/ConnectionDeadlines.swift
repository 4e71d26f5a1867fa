import NIOCore

/// Closes a downstream connection whose client is too slow to send a request head (slowloris)
/// or that sits idle too long between requests, like Envoy's `request_headers_timeout` and
/// `idle_timeout`.
///
/// ``ForwardingHandler`` starts the head clock on the first byte of a request, stops it when
/// the head is complete (``headArrived()``) and starts the idle clock when a response's end
/// is written (``responseEnded(_:)``). All on the channel's event loop.
public final class ConnectionDeadlines {
    public let headTimeout: TimeAmount
    public let idleTimeout: TimeAmount
    // Plain values that every request moves; one coalescing timer checks them.
    private var headDeadline: NIODeadline?
    private var idleDeadline: NIODeadline?
    private let timer = CoalescingTimer()
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

    func bytesArrived(_ context: ChannelHandlerContext) {
        idleDeadline = nil
        guard !inRequest, headDeadline == nil else { return }
        let deadline = NIODeadline.now() + headTimeout
        headDeadline = deadline
        if !timer.covers(deadline) { arm(context.channel, at: deadline) }
    }

    public func headArrived() {
        inRequest = true
        headDeadline = nil
    }

    public func responseEnded(_ context: ChannelHandlerContext) {
        inRequest = false
        startIdle(context)
    }

    func startIdle(_ context: ChannelHandlerContext) {
        let deadline = NIODeadline.now() + idleTimeout
        idleDeadline = deadline
        if !timer.covers(deadline) { arm(context.channel, at: deadline) }
    }

    func cancelAll() {
        headDeadline = nil
        idleDeadline = nil
        timer.cancel()
    }

    private func arm(_ channel: any Channel, at deadline: NIODeadline) {
        timer.arm(at: deadline, on: channel.eventLoop) { [weak self] in
            self?.timerFired(channel)
        }
    }

    private func timerFired(_ channel: any Channel) {
        let now = NIODeadline.now()
        if let headDeadline, headDeadline <= now {
            expire(.requestHead, channel)
        } else if let idleDeadline, idleDeadline <= now {
            expire(.idle, channel)
        } else if let next = [headDeadline, idleDeadline].compactMap({ $0 }).min() {
            arm(channel, at: next)
        }
    }

    private func expire(_ kind: Kind, _ channel: any Channel) {
        cancelAll()
        onTimeout(kind)
        channel.close(promise: nil)
    }
}
