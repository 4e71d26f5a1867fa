/// What an outcome does to the trace: nothing, something a user should know (debug lost,
/// tracestate or x-request-id dropped), or a break (the next hop cannot join or decides
/// sampling again). Only breaks fail a format.
public enum Impact: String, Codable, Hashable, Sendable, Comparable {
    case none
    case warning
    case breaks

    private var rank: Int {
        switch self {
        case .none: 0
        case .warning: 1
        case .breaks: 2
        }
    }

    public static func < (lhs: Impact, rhs: Impact) -> Bool { lhs.rank < rhs.rank }
}
