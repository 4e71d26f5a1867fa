import Tracing

/// A moment as epoch nanoseconds, for callers whose clock is not the host's: a lab service
/// whose clock is set ahead (lesson 09) stamps its spans with its own time.
public struct SpanInstant: TracerInstant {
    public let nanosecondsSinceEpoch: UInt64

    public init(microsecondsSinceEpoch: UInt64) {
        self.nanosecondsSinceEpoch = microsecondsSinceEpoch &* 1_000
    }

    public static func < (lhs: SpanInstant, rhs: SpanInstant) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }
}
