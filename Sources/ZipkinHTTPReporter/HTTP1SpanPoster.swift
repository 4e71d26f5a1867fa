import HTTP1Wire
import NIOCore
import NIOPosix
import Synchronization

/// Posts span batches over plain HTTP/1.1 on one kept-alive connection: what a sidecar needs
/// to reach its collector, without AsyncHTTPClient's pool, TLS and HTTP/2 in its executable
/// (docs/PERFORMANCE.md: code pages are most of a sidecar's RSS).
///
/// A connection the collector closed while idle is noticed by the next POST (closed or reset
/// before any answer) and that POST goes again once on a new connection, as a proxy does with
/// a stale kept-alive upstream. A refused connect fails the batch at once, without retries,
/// so a dead collector costs the queue nothing but the dropped batch.
public final class HTTP1SpanPoster: SpanPostTransport {
    public let endpoint: String
    private let target: Result<HTTPEndpoint, SpanPostError>
    private let eventLoop: any EventLoop
    private let connectTimeout: Duration
    private let userAgent: String
    /// The idle kept-alive connection; a POST takes it out while it uses it, so concurrent
    /// POSTs (a flush beside the timer's) each get a connection of their own.
    private let idle = Mutex<(any Channel)?>(nil)
    private let isShutDown = Atomic<Bool>(false)

    /// - Parameters:
    ///   - endpoint: `http://host[:port]/path`; any other URL fails every POST with the reason.
    ///   - eventLoop: where the connection lives (the reporter's own thread in the sidecar).
    public init(endpoint: String, eventLoop: any EventLoop, connectTimeout: Duration = .seconds(1), userAgent: String = "tracelab") {
        self.endpoint = endpoint
        do {
            target = .success(try HTTPEndpoint(parsing: endpoint))
        } catch {
            target = .failure(SpanPostError(.invalidEndpoint(error.description)))
        }
        self.eventLoop = eventLoop
        self.connectTimeout = connectTimeout
        self.userAgent = userAgent
    }

    public func post(_ body: [UInt8], contentType: String, timeout: Duration) async throws(SpanPostError) -> Int {
        let target = try target.get()
        guard !isShutDown.load(ordering: .relaxed) else { throw SpanPostError(.shutDown) }
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let request = requestBytes(body, contentType: contentType, target: target)
        if let kept = idle.withLock({ channel in defer { channel = nil }; return channel }) {
            do {
                return try await send(request, on: kept, deadline: deadline, timeout: timeout)
            } catch where error.kind == .connectionClosed(receivedAny: false) {
                // Stale: the collector closed it while it sat idle. Once more on a new one.
            }
        }
        let channel = try await connect(target, deadline: deadline)
        return try await send(request, on: channel, deadline: deadline, timeout: timeout)
    }

    public func shutdown() async {
        isShutDown.store(true, ordering: .relaxed)
        let kept = idle.withLock { channel in defer { channel = nil }; return channel }
        try? await kept?.close()
    }

    private func send(_ request: ByteBuffer, on channel: any Channel, deadline: NIODeadline, timeout: Duration) async throws(SpanPostError) -> Int {
        let promise = channel.eventLoop.makePromise(of: SpanPostResponseHandler.Answer.self)
        channel.eventLoop.execute {
            do {
                let handler = try channel.pipeline.syncOperations.handler(type: SpanPostResponseHandler.self)
                handler.send(request, deadline: deadline, timeout: timeout, promise: promise)
            } catch {
                promise.fail(SpanPostError(.connectionClosed(receivedAny: false)))
            }
        }
        let answer: SpanPostResponseHandler.Answer
        do {
            answer = try await promise.futureResult.get()
        } catch let error as SpanPostError {
            channel.close(promise: nil)
            throw error
        } catch {
            channel.close(promise: nil)
            throw SpanPostError(.transport("\(error)"))
        }
        if answer.reusable {
            // Back to the idle slot, unless shut down meanwhile or another POST's is there.
            let spare = idle.withLock { slot -> (any Channel)? in
                guard slot == nil, !isShutDown.load(ordering: .relaxed) else { return channel }
                slot = channel
                return nil
            }
            spare?.close(promise: nil)
        }
        return answer.status
    }

    private func connect(_ target: HTTPEndpoint, deadline: NIODeadline) async throws(SpanPostError) -> any Channel {
        let left = deadline - NIODeadline.now()
        let limit = min(TimeAmount(connectTimeout), left)
        guard limit > .zero else { throw SpanPostError(.cannotConnect(host: target.host, port: target.port, reason: "no time left")) }
        do {
            return try await ClientBootstrap(group: eventLoop)
                .connectTimeout(limit)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(SpanPostResponseHandler())
                    }
                }
                .connect(host: target.host, port: target.port)
                .get()
        } catch {
            throw SpanPostError(.cannotConnect(host: target.host, port: target.port, reason: "\(error)"))
        }
    }

    private func requestBytes(_ body: [UInt8], contentType: String, target: HTTPEndpoint) -> ByteBuffer {
        let head = "POST \(target.target) HTTP/1.1\r\nHost: \(target.authority)\r\nUser-Agent: \(userAgent)\r\n"
            + "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n\r\n"
        var buffer = ByteBufferAllocator().buffer(capacity: head.utf8.count + body.count)
        buffer.writeString(head)
        buffer.writeBytes(body)
        return buffer
    }
}
