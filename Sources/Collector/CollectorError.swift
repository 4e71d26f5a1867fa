/// A collector set-up problem (flags, storage), with the offending input and what to do.
public struct CollectorError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// `--listen` is not `HOST:PORT`.
        case invalidListenAddress(String)
        /// `--storage` is neither `memory` nor `sqlite:PATH`.
        case invalidStorage(String)
        /// `--retention` is not a number with a unit (`90s`, `30m`, `24h`, `7d`).
        case invalidDuration(String)
        /// `--max-spans` below 1.
        case invalidMaxSpans(Int)
    }

    public var reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    public var description: String {
        switch reason {
        case .invalidListenAddress(let text):
            "invalid listen address '\(text)': use HOST:PORT, e.g. 127.0.0.1:9411 (port 0 picks a free one)"
        case .invalidStorage(let text):
            "invalid storage '\(text)': use 'memory' or 'sqlite:PATH', e.g. sqlite:.tracelab/spans.sqlite"
        case .invalidDuration(let text):
            "invalid duration '\(text)': use a whole number with a unit s, m, h or d, e.g. 30m or 24h"
        case .invalidMaxSpans(let value):
            "invalid max spans \(value): it must be at least 1"
        }
    }
}
