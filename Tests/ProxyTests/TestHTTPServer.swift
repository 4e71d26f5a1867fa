import NIOCore
import NIOHTTP1
import NIOPosix

/// A tiny HTTP/1.1 server on 127.0.0.1:0 for the tests: the app behind the proxy, or the
/// Zipkin sink. Records every request (head + body) and answers with `respond`.
final class TestHTTPServer: Sendable {
    struct Request: Sendable {
        var head: HTTPRequestHead
        var body: [UInt8]
    }

    enum Answer: Sendable {
        case reply(status: HTTPResponseStatus, headers: [(String, String)], body: String)
        /// Never answers (the proxy's timeout must fire).
        case hang
    }

    let channel: any Channel
    let port: Int
    private let requests: AwaitableList<Request>

    init(group: any EventLoopGroup, respond: @escaping @Sendable (Request) -> Answer) async throws {
        let requests = AwaitableList<Request>()
        self.requests = requests
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(respond: respond, record: { requests.append(contentsOf: [$0]) }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    var recorded: [Request] { requests.elements }

    func close() async {
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
                case .reply(let status, let extra, let text):
                    var headers = HTTPHeaders(extra)
                    headers.replaceOrAdd(name: "content-length", value: String(text.utf8.count))
                    context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
                    context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                }
            }
        }
    }
}
