import ScenarioModel

/// A run that could not be judged: the scenario file, the lab or an admin API is the problem,
/// not the traces (exit code 2).
public struct ScenarioRunError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case scenario(ScenarioError)
        /// An admin API refused or did not answer.
        case admin(url: String, detail: String)
        /// The scenario needs something the lab target does not offer.
        case unsupported(String)
        /// The trace backend failed.
        case backend(String)
        /// Starting or reaching the lab failed.
        case lab(String)
    }

    public var reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .scenario(let error): error.description
        case .admin(let url, let detail): "admin API \(url) failed: \(detail); is the lab running (tracelab status)?"
        case .unsupported(let what): what
        case .backend(let detail): "reading traces failed: \(detail)"
        case .lab(let detail): detail
        }
    }
}
