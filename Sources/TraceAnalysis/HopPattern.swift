/// An expected call `caller -> callee`, as a scenario file writes it.
///
/// A side matches a service name or a `node_id` (`reviews` matches every version,
/// `reviews-v2` only that one), case-insensitively.
public struct HopPattern: Codable, Hashable, Sendable, CustomStringConvertible {
    public var caller: String
    public var callee: String

    public init(caller: String, callee: String) {
        self.caller = caller.lowercased()
        self.callee = callee.lowercased()
    }

    /// Parses `"reviews-v2 -> ratings"`.
    public init(_ text: String) throws(TraceAnalysisError) {
        let hops = try HopPattern.chain(text)
        guard hops.count == 1, let hop = hops.first else { throw TraceAnalysisError(.invalidHop(text)) }
        self = hop
    }

    /// Parses a path `"productpage -> reviews -> ratings"` into its hops.
    public static func chain(_ text: String) throws(TraceAnalysisError) -> [HopPattern] {
        let names = text.split(separator: "->", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: " \t") }
        guard names.count >= 2, names.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
            throw TraceAnalysisError(.invalidHop(text))
        }
        return zip(names, names.dropFirst()).map { HopPattern(caller: $0, callee: $1) }
    }

    /// Whether an observed hop is this one.
    public func matches(_ hop: TraceHop) -> Bool {
        let callerMatches = caller == hop.callerService || caller == hop.callerNode
        let calleeMatches = callee == hop.callee || callee == hop.calleeNode
        return callerMatches && calleeMatches
    }

    public var description: String { "\(caller) -> \(callee)" }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var view = self[...]
        while let first = view.first, set.contains(first) { view = view.dropFirst() }
        while let last = view.last, set.contains(last) { view = view.dropLast() }
        return String(view)
    }
}
