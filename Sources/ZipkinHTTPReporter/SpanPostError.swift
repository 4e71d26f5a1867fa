/// Why a POST of spans got no answer; the reporter logs it and drops the batch.
public struct SpanPostError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The URL cannot be posted to (the reason names the problem).
        case invalidEndpoint(String)
        case cannotConnect(host: String, port: Int, reason: String)
        case timedOut(Duration)
        /// The connection closed before the response was complete; `receivedAny` says whether
        /// any of it had arrived (none on a reused connection: it was stale, send again).
        case connectionClosed(receivedAny: Bool)
        case malformedResponse(String)
        /// A failure of the connection or of the client underneath.
        case transport(String)
        case shutDown
    }

    public let kind: Kind

    public init(_ kind: Kind) {
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .invalidEndpoint(let reason):
            reason
        case .cannotConnect(let host, let port, let reason):
            "cannot connect to \(host):\(port): \(reason)"
        case .timedOut(let timeout):
            "no complete answer within \(timeout)"
        case .connectionClosed(true):
            "the collector closed the connection in the middle of its answer"
        case .connectionClosed(false):
            "the collector closed the connection without answering"
        case .malformedResponse(let reason):
            "malformed answer from the collector: \(reason)"
        case .transport(let reason):
            reason
        case .shutDown:
            "the reporter's connection is shut down"
        }
    }
}
