import NIOCore
import NIOHTTP1

/// One keep-alive connection of a `PacedLoadRun`: sends a GET, reads the response to its end,
/// and tells the run; one request at a time (no pipelining), as a browser or wrk does.
final class PacedConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    struct InFlight {
        var index: Int
        var due: NIODeadline
        var sent: NIODeadline
    }

    private let run: PacedLoadRun
    private var context: ChannelHandlerContext?
    private(set) var inFlight: InFlight?
    private var status: UInt?
    private var keepAlive = true
    /// Why the connection is going away, for the request it had in flight.
    private var closeReason: String?

    init(run: PacedLoadRun) {
        self.run = run
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func send(_ request: InFlight, head: HTTPRequestHead) {
        guard let context, context.channel.isActive else {
            run.failed(request, reason: "connection closed before the request was sent", on: self)
            return
        }
        inFlight = request
        status = nil
        keepAlive = head.isKeepAlive
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            // An informational (1xx) head comes before the real one.
            guard head.status.code >= 200 else { return }
            status = head.status.code
            keepAlive = keepAlive && head.isKeepAlive
        case .body:
            break
        case .end:
            guard let request = inFlight else { return }
            inFlight = nil
            run.answered(request, status: status, keepAlive: keepAlive, on: self)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if closeReason == nil { closeReason = "\(error)" }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let request = inFlight {
            inFlight = nil
            run.failed(request, reason: closeReason ?? "connection closed before the response ended", on: self)
        }
        context.fireChannelInactive()
    }

    func timeOut() {
        closeReason = "timed out"
        close()
    }

    func close() {
        context?.close(promise: nil)
    }
}
