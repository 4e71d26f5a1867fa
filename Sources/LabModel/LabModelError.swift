/// What is wrong with a lab description, with the offending input and what to do.
public struct LabModelError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// Not `HOST:PORT` with a port in 1…65535.
        case invalidAddress(String)
        /// The base port leaves no room for the port block.
        case basePortOutOfRange(Int, needed: Int)
        /// Two processes of the plan would listen on the same port.
        case portCollision(Int, String, String)
        /// Not one of the propagation modes.
        case unknownPropagationMode(String)
        /// A node id that names no instance of the labs.
        case unknownNode(String)
        /// A sampling rate outside 0…1.
        case invalidSamplingRate(Double)
        /// A `--replace` value that cannot be used, and why.
        case invalidReplacement(String, String)
    }

    public let reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .invalidAddress(let text):
            "'\(text)' is not an address; write HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:9080"
        case .basePortOutOfRange(let port, let needed):
            "base port \(port) leaves no room for the \(needed) ports of the lab; choose one from 1024 to \(65535 - needed + 1)"
        case .portCollision(let port, let first, let second):
            "port \(port) is planned for both \(first) and \(second); change --base-port or the entry ports"
        case .unknownPropagationMode(let text):
            "unknown propagation mode '\(text)'; use one of \(PropagationMode.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unknownNode(let text):
            "'\(text)' names no service of the labs; use a node id such as \(ServiceInstance.all.map(\.nodeID).joined(separator: ", "))"
        case .invalidSamplingRate(let rate):
            "sampling rate \(rate) is outside 0.0…1.0"
        case .invalidReplacement(let text, let why):
            "--replace '\(text)': \(why)"
        }
    }
}
