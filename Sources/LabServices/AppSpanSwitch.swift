import Synchronization

/// Whether the app reports its own spans now: `--app-spans` at start, `POST /admin/app-spans`
/// at run time (the app-span lesson on a lab that was started without them, e.g. in compose).
/// Needs a span reporter, so a service started without `--zipkin` cannot turn it on.
final class AppSpanSwitch: Sendable {
    private let enabled: Atomic<Bool>

    init(_ initial: Bool) {
        self.enabled = Atomic(initial)
    }

    var isOn: Bool { enabled.load(ordering: .relaxed) }

    func set(_ on: Bool) { enabled.store(on, ordering: .relaxed) }
}
