import NIOCore

/// One scheduled task for deadlines that move on every request: it fires no later than the
/// earliest deadline it was armed with, and the owner re-checks its real deadline then and arms
/// again if that moved on (the technique of Netty's IdleStateHandler).
///
/// Scheduling and cancelling a task per request and per response cost the sidecar several
/// percent of its throughput; with this a busy connection schedules about one task per timeout
/// period. Use it on the owner's event loop only.
final class CoalescingTimer {
    private var task: Scheduled<Void>?
    private var firesAt: NIODeadline?

    /// Whether a pending firing already comes at `deadline` or earlier (arming would keep it):
    /// lets a caller skip making the closure it would pass, on every request.
    func covers(_ deadline: NIODeadline) -> Bool {
        if let firesAt { firesAt <= deadline } else { false }
    }

    /// Makes sure `fired` runs at `deadline` or earlier; a pending earlier firing is kept.
    func arm(at deadline: NIODeadline, on eventLoop: any EventLoop, _ fired: @escaping () -> Void) {
        if covers(deadline) { return }
        task?.cancel()
        firesAt = deadline
        task = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            self?.task = nil
            self?.firesAt = nil
            fired()
        }
    }

    func cancel() {
        task?.cancel()
        task = nil
        firesAt = nil
    }
}
