import NIOCore
import NIOPosix
import Synchronization
import Zipkin

/// A Zipkin endpoint for tests: decodes every POSTed batch and lets a test wait for spans.
final class ZipkinSink: Sendable {
    let server: TestHTTPServer
    private let decoded = Mutex<[ZipkinSpan]>([])
    private let waiters = Mutex<[(id: Int, predicate: @Sendable ([ZipkinSpan]) -> Bool, continuation: CheckedContinuation<Void, Never>)]>([])
    private let nextWaiterID = Atomic<Int>(0)

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

    /// Waits until the spans received satisfy `predicate` (the reporter flushes on a short timer),
    /// or until `timeout` passes: then it returns what arrived, so the test's expectations fail
    /// with the evidence instead of the run hanging.
    func wait(timeout: Duration = .seconds(10), until predicate: @escaping @Sendable ([ZipkinSpan]) -> Bool) async -> [ZipkinSpan] {
        let id = nextWaiterID.add(1, ordering: .relaxed).newValue
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = decoded.withLock { all in
                if predicate(all) { return true }
                waiters.withLock { $0.append((id, predicate, continuation)) }
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
        return spans
    }

    private func expire(_ id: Int) {
        let expired = waiters.withLock { waiters -> CheckedContinuation<Void, Never>? in
            guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return waiters.remove(at: index).continuation
        }
        expired?.resume()
    }

    private final class SpanBox: @unchecked Sendable {
        var add: (@Sendable ([ZipkinSpan]) -> Void)?
    }
}
