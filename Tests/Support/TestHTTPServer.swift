import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny HTTP/1.1 server on 127.0.0.1:0 for the tests: the app behind the proxy, the Zipkin
/// sink, the load generator's target. Records every request (head + body), counts the
/// connections it accepted, and answers each request as `respond` says.
public final class TestHTTPServer: Sendable {
    public struct Request: Sendable {
        public var head: HTTPRequestHead
        public var body: [UInt8]
    }

    public enum Answer: Sendable {
        /// Answers, after `delay` if one is given; with `close`, says `connection: close` and
        /// closes once the answer is written.
        case reply(status: HTTPResponseStatus, headers: [(String, String)] = [], body: String,
                   after: Duration? = nil, close: Bool = false)
        /// Never answers (the caller's timeout must fire).
        case hang
        /// Closes the connection without answering.
        case reset
    }

    public let port: Int
    private let channel: any Channel
    private let requests: AwaitableList<Request>
    private let acceptedCount: @Sendable () -> Int

    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                respond: @escaping @Sendable (Request) -> Answer) async throws {
        let requests = AwaitableList<Request>()
        self.requests = requests
        let counter = Mutex(0)
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counter.withLock { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(respond: respond, record: { requests.append(contentsOf: [$0]) }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
        acceptedCount = { counter.withLock { $0 } }
    }

    /// Every request received so far, in arrival order.
    public var recorded: [Request] { requests.elements }

    /// Connections accepted so far.
    public var connections: Int { acceptedCount() }

    public func close() async {
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let respond: @Sendable (Request) -> Answer
        let record: @Sendable (Request) -> Void
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(respond: @escaping @Sendable (Request) -> Answer, record: @escaping @Sendable (Request) -> Void) {
            self.respond = respond
            self.record = record
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                let request = Request(head: head, body: body)
                record(request)
                switch respond(request) {
                case .hang:
                    return
                case .reset:
                    context.close(promise: nil)
                case .reply(let status, let extra, let text, let delay, let close):
                    let write = { self.write(context, status: status, headers: extra, body: text, close: close) }
                    if let delay {
                        context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { write() }
                    } else {
                        write()
                    }
                }
            }
        }

        private func write(_ context: ChannelHandlerContext, status: HTTPResponseStatus, headers extra: [(String, String)], body text: String, close: Bool) {
            var headers = HTTPHeaders(extra)
            headers.replaceOrAdd(name: "content-length", value: String(text.utf8.count))
            if close { headers.replaceOrAdd(name: "connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
            let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if close {
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                written.whenComplete { _ in bound.value.close(promise: nil) }
            }
        }
    }
}
