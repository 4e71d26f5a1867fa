/// The time source of the verifier's polling loop, injected so tests run the waiting logic
/// (backoff, deadline, settle period) instantly on virtual time.
public protocol WaitClock: Sendable {
    /// Time elapsed since some fixed start.
    func elapsed() -> Duration
    func sleep(for duration: Duration) async throws
}

/// Real time.
public struct ContinuousWaitClock: WaitClock {
    let start = ContinuousClock.now

    public init() {}

    public func elapsed() -> Duration { ContinuousClock.now - start }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
