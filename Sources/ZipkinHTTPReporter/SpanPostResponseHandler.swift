import HTTP1Wire
import NIOCore

/// The one handler of an ``HTTP1SpanPoster`` connection: writes a request, reads its answer
/// with ``HTTP1ResponseReader`` and completes the request's promise exactly once — with the
/// answer, or with the deadline, the close or the error that came first.
final class SpanPostResponseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Answer: Sendable {
        let status: Int
        let reusable: Bool
    }

    private struct Pending {
        var reader: HTTP1ResponseReader
        let promise: EventLoopPromise<Answer>
        let deadline: Scheduled<Void>
    }

    private var context: ChannelHandlerContext?
    private var pending: Pending?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        finish(.failure(SpanPostError(.shutDown)))
    }

    /// Writes `request`; `promise` gets the answer. One request at a time per connection.
    func send(_ request: ByteBuffer, deadline: NIODeadline, timeout: Duration, promise: EventLoopPromise<Answer>) {
        guard let context, context.channel.isActive, pending == nil else {
            promise.fail(SpanPostError(.connectionClosed(receivedAny: false)))
            return
        }
        let expiry = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            finish(.failure(SpanPostError(.timedOut(timeout))))
            self.context?.close(promise: nil)
        }
        pending = Pending(reader: HTTP1ResponseReader(), promise: promise, deadline: expiry)
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard pending != nil else {
            // Bytes nobody asked for: the connection cannot be trusted with another request.
            context.close(promise: nil)
            return
        }
        let progress: Result<HTTP1ResponseReader.Progress, HTTP1ParseError> = bytes.withUnsafeReadableBytes { raw in
            Result { () throws(HTTP1ParseError) in try pending!.reader.consume(raw) }
        }
        switch progress {
        case .success(.needMore):
            break
        case .success(.complete(let status, let reusable)):
            finish(.success(Answer(status: status, reusable: reusable)))
            if !reusable { context.close(promise: nil) }
        case .failure(let error):
            finish(.failure(SpanPostError(.malformedResponse(error.description))))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let pending {
            if case .complete(let status, _)? = pending.reader.connectionClosed() {
                finish(.success(Answer(status: status, reusable: false)))
            } else {
                finish(.failure(SpanPostError(.connectionClosed(receivedAny: pending.reader.receivedAny))))
            }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let pending, !pending.reader.receivedAny {
            // A reset before any answer: the same as a close without one (a stale connection).
            finish(.failure(SpanPostError(.connectionClosed(receivedAny: false))))
        } else {
            finish(.failure(SpanPostError(.transport("\(error)"))))
        }
        context.close(promise: nil)
    }

    private func finish(_ result: Result<Answer, SpanPostError>) {
        guard let pending else { return }
        self.pending = nil
        pending.deadline.cancel()
        pending.promise.completeWith(result.mapError { $0 as any Error })
    }
}
