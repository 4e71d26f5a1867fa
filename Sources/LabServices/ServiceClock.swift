import Synchronization
import Zipkin

/// The app's span clock: the wall clock moved by an offset that `--clock-offset` sets at
/// start-up and `POST /admin/clock` changes at run time, so a lesson can put one host's clock
/// (its sidecar's and its app's spans alike) off by a known amount.
final class ServiceClock: Sendable {
    private let offset: Atomic<Int64>
    private let wallClock: @Sendable () -> UInt64

    init(offsetMicroseconds: Int64, wallClock: @escaping @Sendable () -> UInt64 = AppTracer.wallClock) {
        self.offset = Atomic(offsetMicroseconds)
        self.wallClock = wallClock
    }

    var offsetMicroseconds: Int64 { offset.load(ordering: .relaxed) }

    func set(offsetMicroseconds: Int64) {
        offset.store(offsetMicroseconds, ordering: .relaxed)
    }

    /// Epoch microseconds as this host's (possibly wrong) clock reads them.
    func nowMicros() -> UInt64 {
        ClockOffset.shifted(wallClock(), by: offsetMicroseconds)
    }
}
