import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

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
    private let requests = Mutex<[Request]>([])
    private let waiters = Mutex<[(id: Int, count: Int, continuation: CheckedContinuation<Void, Never>)]>([])
    private let nextWaiterID = Atomic<Int>(0)

    init(group: any EventLoopGroup, respond: @escaping @Sendable (Request) -> Answer) async throws {
        let box = RequestSink()
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(respond: respond, record: { box.record?($0) }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
        box.record = { [weak self] request in self?.record(request) }
    }

    var recorded: [Request] { requests.withLock { $0 } }

    private func record(_ request: Request) {
        let ready: [CheckedContinuation<Void, Never>] = requests.withLock { requests in
            requests.append(request)
            let count = requests.count
            return waiters.withLock { waiters in
                let ready = waiters.filter { $0.count <= count }.map(\.continuation)
                waiters.removeAll { $0.count <= count }
                return ready
            }
        }
        for continuation in ready { continuation.resume() }
    }

    /// Waits until at least `count` requests arrived, or `timeout` passed (the caller checks
    /// `recorded`, so a missing request fails the test rather than hanging it).
    func waitForRequests(_ count: Int, timeout: Duration = .seconds(10)) async {
        let id = nextWaiterID.add(1, ordering: .relaxed).newValue
        await withCheckedContinuation { continuation in
            let done = requests.withLock { requests in
                if requests.count >= count { return true }
                waiters.withLock { $0.append((id, count, continuation)) }
                return false
            }
            if done {
                continuation.resume()
                return
            }
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.expire(id)
            }
        }
    }

    private func expire(_ id: Int) {
        let expired = waiters.withLock { waiters -> CheckedContinuation<Void, Never>? in
            guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return waiters.remove(at: index).continuation
        }
        expired?.resume()
    }

    func close() async {
        try? await channel.close()
    }

    private final class RequestSink: @unchecked Sendable {
        var record: (@Sendable (Request) -> Void)?
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
