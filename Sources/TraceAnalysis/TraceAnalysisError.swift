/// Why an analysis input (an expected hop written in a scenario file) could not be read.
public struct TraceAnalysisError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// A hop that is not `caller -> callee` with two non-empty names.
        case invalidHop(String)
    }

    public var reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .invalidHop(let text):
            "invalid hop \"\(text)\": write it as \"caller -> callee\", e.g. \"reviews-v2 -> ratings\" or \"productpage -> reviews -> ratings\""
        }
    }
}
