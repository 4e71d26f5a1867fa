import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A loopback HTTP server for the load generator's tests, its behaviour chosen by path:
/// `/ok` 200, `/fail` 503, `/slow` answers after 100 ms, `/hang` never answers, `/close`
/// answers with `connection: close` and closes, `/reset` closes without answering.
/// It records each request's `x-index` header and counts connections.
final class ScriptedHTTPServer: Sendable {
    let channel: any Channel
    private let indices = Mutex<[Int]>([])
    private let accepted = Mutex(0)

    var port: Int { channel.localAddress?.port ?? 0 }
    var receivedIndices: [Int] { indices.withLock { $0 } }
    var connections: Int { accepted.withLock { $0 } }

    init() async throws {
        let box = Mutex<ScriptedHTTPServer?>(nil)
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(server: { box.withLock { $0 } }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        box.withLock { $0 = self }
    }

    func stop() async throws {
        try await channel.close()
    }

    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: @Sendable () -> ScriptedHTTPServer?

        init(server: @escaping @Sendable () -> ScriptedHTTPServer?) {
            self.server = server
        }

        func channelActive(context: ChannelHandlerContext) {
            server()?.accepted.withLock { $0 += 1 }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .head(let head) = unwrapInboundIn(data) else { return }
            if let index = head.headers.first(name: "x-index").flatMap(Int.init) {
                server()?.indices.withLock { $0.append(index) }
            }
            switch head.uri {
            case "/fail": respond(context, status: .serviceUnavailable)
            case "/slow":
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(100)) { self.respond(bound.value, status: .ok) }
            case "/hang": break
            case "/close": respond(context, status: .ok, close: true)
            case "/reset": context.close(promise: nil)
            default: respond(context, status: .ok)
            }
        }

        private func respond(_ context: ChannelHandlerContext, status: HTTPResponseStatus, close: Bool = false) {
            var headers = HTTPHeaders([("content-length", "2")])
            if close { headers.add(name: "connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if close {
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                done.whenComplete { _ in bound.value.close(promise: nil) }
            }
        }
    }
}
