import ServiceLifecycle
import Synchronization
import Zipkin

/// The bounded queue both reporters (HTTP and span log) put spans in, and the loop that empties
/// it: `append` only takes a lock, so an event loop can call it per request, and wakes the loop
/// when a full batch waits; the loop also runs `flush` every `interval`, until `stop()` or
/// graceful shutdown. What is left queued afterwards is the reporter's to handle.
final class SpanBatchQueue: Sendable {
    private struct State: ~Copyable {
        var buffer: SpanBuffer
        var wakeup: AsyncStream<Void>.Continuation?
        var stopped = false
    }

    private let state: Mutex<State>

    init(capacity: Int, batchSize: Int) {
        state = Mutex(State(buffer: SpanBuffer(capacity: capacity, batchSize: batchSize)))
    }

    /// Queues a span; false (and counted in `droppedFull`) when the queue is full.
    @discardableResult
    func append(_ span: ZipkinSpan) -> Bool {
        let (appended, wakeup): (Bool, AsyncStream<Void>.Continuation?) = state.withLock { state in
            guard state.buffer.append(span) else { return (false, nil) }
            return (true, state.buffer.count == state.buffer.batchSize ? state.wakeup : nil)
        }
        wakeup?.yield()
        return appended
    }

    /// Up to a batch of the oldest spans; empty when none is queued.
    func nextBatch() -> [ZipkinSpan] {
        state.withLock { $0.buffer.nextBatch() }
    }

    /// Empties the queue; how many spans were in it.
    func removeAll() -> Int {
        state.withLock { state in
            var removed = 0
            while !state.buffer.isEmpty { removed += state.buffer.nextBatch().count }
            return removed
        }
    }

    /// Spans queued now, and spans refused because the queue was full.
    var counts: (queued: UInt64, droppedFull: UInt64) {
        state.withLock { (UInt64($0.buffer.count), $0.buffer.droppedFull) }
    }

    /// Ends `run` as a graceful shutdown does; before `run` starts, `run` returns at once.
    func stop() {
        let wakeup = state.withLock { state in
            state.stopped = true
            return state.wakeup
        }
        wakeup?.finish()
    }

    /// Runs `flush` whenever a full batch waits and every `interval`, until `stop()`, graceful
    /// shutdown or cancellation.
    func run(interval: Duration, flush: @escaping @Sendable () async -> Void) async {
        let (wakeups, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let stopped = state.withLock { state in
            state.wakeup = continuation
            return state.stopped
        }
        if stopped { continuation.finish() }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        do {
                            try await Task.sleep(for: interval)
                        } catch {
                            return
                        }
                        continuation.yield()
                    }
                }
                for await _ in wakeups { await flush() }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        state.withLock { $0.wakeup = nil }
    }
}
