import NIOCore
import NIOPosix

/// A server on 127.0.0.1:0 that answers each request head with the exact bytes `answer`
/// gives: for responses no HTTP library would write (no length, 1xx first, malformed).
/// A `Content-Length` body is read and kept before the answer; closes after answering when
/// told to.
public final class RawHTTPServer: Sendable {
    public struct Answer: Sendable {
        public var bytes: String
        public var close: Bool

        public init(_ bytes: String, close: Bool = false) {
            self.bytes = bytes
            self.close = close
        }
    }

    public let port: Int
    private let channel: any Channel
    private let heads: AwaitableList<String>
    private let bodies: AwaitableList<[UInt8]>
    private let accepted: AwaitableList<Int>

    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, answer: @escaping @Sendable (String) -> Answer) async throws {
        let heads = AwaitableList<String>()
        let bodies = AwaitableList<[UInt8]>()
        let accepted = AwaitableList<Int>()
        self.heads = heads
        self.bodies = bodies
        self.accepted = accepted
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                accepted.append(contentsOf: [1])
                return channel.eventLoop.makeCompletedFuture {
                    let handler = Handler(answer: answer, record: { head, body in
                        bodies.append(contentsOf: [body])
                        heads.append(contentsOf: [head])
                    })
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    /// The request heads received so far, as text.
    public var received: [String] { heads.elements }
    /// The bodies of those requests (empty without a Content-Length).
    public var receivedBodies: [[UInt8]] { bodies.elements }
    /// Connections accepted so far.
    public var connections: Int { accepted.elements.count }

    public func close() async {
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let answer: @Sendable (String) -> Answer
        let record: @Sendable (String, [UInt8]) -> Void
        var bytes: [UInt8] = []

        init(answer: @escaping @Sendable (String) -> Answer, record: @escaping @Sendable (String, [UInt8]) -> Void) {
            self.answer = answer
            self.record = record
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
            while let end = Self.headEnd(bytes) {
                let head = String(decoding: bytes[..<end], as: UTF8.self)
                let length = Self.contentLength(head)
                guard bytes.count >= end + length else { return }
                let body = Array(bytes[end..<(end + length)])
                bytes.removeFirst(end + length)
                record(head, body)
                let reply = answer(head)
                let written = context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: reply.bytes)))
                if reply.close {
                    let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                    written.whenComplete { _ in bound.value.close(promise: nil) }
                    return
                }
            }
        }

        static func contentLength(_ head: String) -> Int {
            for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                return Int(line.dropFirst("content-length:".count).filter { $0 != " " }) ?? 0
            }
            return 0
        }

        static func headEnd(_ bytes: [UInt8]) -> Int? {
            guard bytes.count >= 4 else { return nil }
            for index in 3..<bytes.count where bytes[index - 3] == 13 && bytes[index - 2] == 10 && bytes[index - 1] == 13 && bytes[index] == 10 {
                return index + 1
            }
            return nil
        }
    }
}
