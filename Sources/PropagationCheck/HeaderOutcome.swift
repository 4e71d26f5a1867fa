/// What the app did with one header of a case, seen on one of its downstream calls.
public enum HeaderOutcome: String, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The same value went on (or the same context, written another valid way).
    case forwarded
    /// A new span of the same trace with the same decision: the app made its own span, which
    /// is fine (and right when it reports app spans).
    case child
    /// Not on the downstream call.
    case dropped
    /// Present but wrong: another trace id, bad syntax, a flipped or lost sampling decision.
    case corrupted

    public var description: String {
        switch self {
        case .forwarded: "forwarded"
        case .child: "regenerated as child"
        case .dropped: "dropped"
        case .corrupted: "corrupted"
        }
    }
}
