import NIOCore
import NIOPosix
import Synchronization

/// Sends raw bytes on a new TCP connection and returns everything the server sent until it
/// closed the connection (or until `readUntil` appears). For requests no HTTP client would send.
public enum RawHTTPClient {
    public static func exchange(port: Int, bytes: String, group: any EventLoopGroup, readUntil marker: String? = nil) async throws -> String {
        let collector = Collector(marker: marker)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        // A server that rejects early closes while a large request is still being written: the
        // failed write is expected, the answer it sent first is what the test reads.
        try? await channel.writeAndFlush(ByteBuffer(string: bytes))
        // Bounded: the proxy closes after a 400/431, and a stuck read ends by this timeout.
        let timeout = channel.eventLoop.scheduleTask(in: .seconds(5)) { channel.close(promise: nil) }
        try? await collector.done.futureResult.get()
        timeout.cancel()
        try? await channel.close()
        return collector.text
    }

    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let marker: String?
        var text = ""
        var done: EventLoopPromise<Void>!

        init(marker: String?) {
            self.marker = marker
        }

        func handlerAdded(context: ChannelHandlerContext) {
            done = context.eventLoop.makePromise()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            text += String(buffer: unwrapInboundIn(data))
            if let marker, text.contains(marker) { done.succeed() }
        }

        func channelInactive(context: ChannelHandlerContext) {
            done.succeed()
        }
    }
}
