import LabModel
import Synchronization

/// The service's current propagation mode, changed at run time by `POST /admin/propagation`
/// while requests read it concurrently.
final class PropagationSwitch: Sendable {
    private let mode: Mutex<PropagationMode>

    init(_ initial: PropagationMode) {
        self.mode = Mutex(initial)
    }

    var current: PropagationMode {
        mode.withLock { $0 }
    }

    func set(_ newMode: PropagationMode) {
        mode.withLock { $0 = newMode }
    }
}
