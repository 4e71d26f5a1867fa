/// The head sampling decision that travels with a trace.
///
/// `deferred` means nobody upstream decided: the receiver decides (B3 "defer"). `debug`
/// forces recording and implies sampled (B3 `x-b3-flags: 1`, `b3: …-d`); W3C has no debug
/// bit, so a debug decision is written there as sampled.
public enum SamplingState: Hashable, Sendable, CustomStringConvertible {
    case sampled
    case notSampled
    case deferred
    case debug

    /// Whether spans of this trace are recorded (when a decision was made).
    public var isSampled: Bool? {
        switch self {
        case .sampled, .debug: true
        case .notSampled: false
        case .deferred: nil
        }
    }

    public var description: String {
        switch self {
        case .sampled: "sampled"
        case .notSampled: "not-sampled"
        case .deferred: "deferred"
        case .debug: "debug"
        }
    }
}
