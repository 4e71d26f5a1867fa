import NIOCore
import NIOPosix
import Synchronization
import Zipkin

/// A Zipkin endpoint for tests: decodes every POSTed batch and lets a test wait for spans.
final class ZipkinSink: Sendable {
    let server: TestHTTPServer
    private let decoded = Mutex<[ZipkinSpan]>([])
    private let waiters = Mutex<[(predicate: @Sendable ([ZipkinSpan]) -> Bool, continuation: CheckedContinuation<Void, Never>)]>([])

    init(group: any EventLoopGroup) async throws {
        let box = SpanBox()
        server = try await TestHTTPServer(group: group) { request in
            if let spans = try? ZipkinJSONDecoder().decodeSpans(request.body) {
                box.add?(spans)
                return .reply(status: .accepted, headers: [], body: "")
            }
            return .reply(status: .badRequest, headers: [], body: "bad spans")
        }
        box.add = { [weak self] spans in self?.add(spans) }
    }

    var url: String { "http://127.0.0.1:\(server.port)/api/v2/spans" }
    var spans: [ZipkinSpan] { decoded.withLock { $0 } }

    private func add(_ spans: [ZipkinSpan]) {
        let all = decoded.withLock { all -> [ZipkinSpan] in
            all += spans
            return all
        }
        let ready = waiters.withLock { waiters in
            let ready = waiters.filter { $0.predicate(all) }.map(\.continuation)
            waiters.removeAll { $0.predicate(all) }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// Waits until the spans received satisfy `predicate` (the reporter flushes on a short timer).
    func wait(until predicate: @escaping @Sendable ([ZipkinSpan]) -> Bool) async -> [ZipkinSpan] {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = decoded.withLock { all in
                if predicate(all) { return true }
                waiters.withLock { $0.append((predicate, continuation)) }
                return false
            }
            if done { continuation.resume() }
        }
        return spans
    }

    private final class SpanBox: @unchecked Sendable {
        var add: (@Sendable ([ZipkinSpan]) -> Void)?
    }
}
