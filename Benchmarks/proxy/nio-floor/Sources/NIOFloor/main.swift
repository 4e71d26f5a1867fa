#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// Passes what one side reads to the other and flushes at the end of each read burst, as a
/// proxy must at least do; no parsing, no copies, no header work.
final class Relay: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var peer: (any Channel)?
    /// Bytes read before the upstream connection was up.
    private var early: [ByteBuffer] = []
    private let upstream: SocketAddress?

    /// `upstream` set: the downstream side, which connects there when it becomes active.
    init(upstream: SocketAddress?) {
        self.upstream = upstream
    }

    func attach(_ channel: any Channel) {
        peer = channel
        for buffer in early { channel.write(buffer, promise: nil) }
        if !early.isEmpty { channel.flush() }
        early = []
    }

    func channelActive(context: ChannelHandlerContext) {
        guard let upstream else { return }
        let downstream = context.channel
        let back = Relay(upstream: nil)
        back.peer = downstream
        let loopBoundBack = NIOLoopBound(back, eventLoop: context.eventLoop)
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        ClientBootstrap(group: context.eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(loopBoundBack.value) }
            }
            .connect(to: upstream)
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let channel): loopBoundSelf.value.attach(channel)
                case .failure: downstream.close(promise: nil)
                }
            }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if let peer { peer.write(buffer, promise: nil) } else { early.append(buffer) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        peer?.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer?.close(promise: nil)
        peer = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let listenPort = Int(arguments[1]), let upstreamPort = Int(arguments[2]) else {
    print("usage: NIOFloor LISTEN_PORT UPSTREAM_PORT (both on 127.0.0.1)")
    exit(2)
}
let upstream = try SocketAddress(ipAddress: "127.0.0.1", port: upstreamPort)
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let server = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Relay(upstream: upstream)) }
    }
    .bind(host: "127.0.0.1", port: listenPort)
    .wait()
print("relaying 127.0.0.1:\(listenPort) -> 127.0.0.1:\(upstreamPort)")
try server.closeFuture.wait()
