import Synchronization

/// An append-only list a test can wait on: `wait` returns once the elements satisfy a
/// predicate, or after `timeout` with what arrived, so a missing element fails the test's
/// expectations with the evidence instead of hanging the run. The test HTTP server records
/// into one.
public final class AwaitableList<Element: Sendable>: Sendable {
    private struct Waiter {
        var id: Int
        var predicate: @Sendable ([Element]) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var elements: [Element] = []
        var waiters: [Waiter] = []
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var elements: [Element] { state.withLock { $0.elements } }

    public func append(contentsOf new: [Element]) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.elements += new
            let all = state.elements
            let ready = state.waiters.filter { $0.predicate(all) }.map(\.continuation)
            state.waiters.removeAll { $0.predicate(all) }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    public func wait(timeout: Duration = .seconds(10), until predicate: @escaping @Sendable ([Element]) -> Bool) async -> [Element] {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let id = state.withLock { state -> Int? in
                if predicate(state.elements) { return nil }
                state.nextID += 1
                state.waiters.append(Waiter(id: state.nextID, predicate: predicate, continuation: continuation))
                return state.nextID
            }
            guard let id else {
                continuation.resume()
                return
            }
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.expire(id)
            }
        }
        return elements
    }

    private func expire(_ id: Int) {
        let expired = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index).continuation
        }
        expired?.resume()
    }
}
