import Zipkin

/// A flag or admin-API value the proxy cannot use, with the offending input and what to do.
public struct ProxyConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// Not `HOST:PORT` (or the port is not 0…65535).
        case invalidAddress(String)
        /// A `--route` that is not `SERVICE=HOST:PORT[@WEIGHT][,…]`.
        case invalidRoute(String)
        /// A weight that is not a whole number ≥ 0, or all weights of a route are 0.
        case invalidWeight(String)
        /// A sampling rate outside 0.0…1.0.
        case invalidSamplingRate(String)
        /// A percentage outside 0…100.
        case invalidPercent(field: String, value: String)
        /// A status code outside 200…599 for an abort fault.
        case invalidStatus(String)
        /// A negative timeout, delay or retry count.
        case invalidNumber(field: String, value: String)
        /// A body that is not the JSON the endpoint expects.
        case invalidJSON(String)
        /// A service name that is empty or has characters outside `[A-Za-z0-9._-]`.
        case invalidServiceName(String)
        /// A clock offset that is not a signed duration with a unit within a day.
        case invalidClockOffset(String)
        /// A flag value that is none of its choices, or empty; the text says which and what to use.
        case invalidOption(String)
    }

    public var reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .invalidAddress(let text):
            "invalid address '\(text)': expected HOST:PORT with a port 0…65535, e.g. 127.0.0.1:9080"
        case .invalidRoute(let text):
            "invalid route '\(text)': expected SERVICE=HOST:PORT[@WEIGHT][,HOST:PORT[@WEIGHT]…], e.g. reviews=127.0.0.1:9101@50,127.0.0.1:9102@50"
        case .invalidWeight(let text):
            "invalid weight '\(text)': weights are whole numbers ≥ 0 and at least one endpoint needs a weight > 0"
        case .invalidSamplingRate(let text):
            "invalid sampling rate '\(text)': expected a number from 0.0 to 1.0"
        case .invalidPercent(let field, let value):
            "invalid \(field) '\(value)': expected a percentage from 0 to 100"
        case .invalidStatus(let text):
            "invalid abort status '\(text)': expected an HTTP status from 200 to 599"
        case .invalidNumber(let field, let value):
            "invalid \(field) '\(value)': expected a whole number ≥ 0"
        case .invalidJSON(let text):
            "invalid JSON body: \(text)"
        case .invalidServiceName(let text):
            "invalid service name '\(text)': use letters, digits, '.', '_' or '-'"
        case .invalidClockOffset(let text):
            "invalid clock offset '\(text)': expected \(ClockOffset.expected)"
        case .invalidOption(let text):
            text
        }
    }
}
