/// One search a store must run to find traces that may belong to the same request as a given
/// trace: spans matching `criterion` whose timestamp lies in `[startMicros, endMicros]`.
///
/// The plan (`RelatedTraceSearch`) is pure, so the collector and any other reader of a span
/// store look for the same traces the analysis will link; the store runs each lookup as an
/// ordinary trace query (`annotationQuery`, service, time window, limit).
public struct RelatedTraceLookup: Hashable, Sendable {
    public enum Criterion: Hashable, Sendable {
        /// Spans tagged `guid:x-request-id` = the value.
        case requestID(String)
        /// Spans of `service` whose `node_id` tag is `nodeID` (as reported, not lower-cased).
        case node(service: String, nodeID: String)
    }

    /// Why the lookup is made, which also says how far its results are followed.
    public enum Purpose: Hashable, Sendable {
        /// Traces sharing an x-request-id: the same request (or a replay of it).
        case sameRequestID
        /// Fragments a node's calls may have started while it served this trace's request.
        case calleeFragments
        /// Requests a node was serving when this trace's first call left it.
        case callerRequests
    }

    public var criterion: Criterion
    public var purpose: Purpose
    /// Epoch µs, inclusive.
    public var startMicros: UInt64
    /// Epoch µs, inclusive.
    public var endMicros: UInt64

    public init(criterion: Criterion, purpose: Purpose, startMicros: UInt64, endMicros: UInt64) {
        self.criterion = criterion
        self.purpose = purpose
        self.startMicros = startMicros
        self.endMicros = endMicros
    }

    /// The node a node lookup is about, nil for a request-id lookup.
    public var node: String? {
        if case .node(_, let nodeID) = criterion { return nodeID }
        return nil
    }
}
