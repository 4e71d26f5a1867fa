/// A problem with what `check-propagation` was asked to do, said so the user can fix it.
public struct PropagationCheckError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case unknownFormat(String)
    }

    public let reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .unknownFormat(let name):
            "unknown format '\(name)' in --formats; use a comma-separated list of b3multi, b3single, w3c, ot (or jaeger)"
        }
    }
}
