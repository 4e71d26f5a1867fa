import NIOCore
import NIOHTTP1

/// One request on its way through the proxy: what was decided and how far it got.
final class ProxyExchange {
    let head: HTTPRequestHead
    var forwardHead: HTTPRequestHead
    let decision: TraceDecision
    var facts: SpanFacts
    let startNanos: UInt64
    let keepAlive: Bool
    /// Destination service (outbound) or this service (inbound).
    let destination: String
    let route: Route?
    var endpoint: HostPort
    var attemptsLeft: Int
    /// Request parts not yet written upstream, and (while small) a copy for a retry.
    var pendingParts: [HTTPClientRequestPart] = []
    var retainedParts: [HTTPClientRequestPart]? = []
    var retainedBytes = 0
    var requestComplete = false
    var connection: UpstreamConnection?
    var headWritten = false
    var responseHeadSent = false
    var upstreamKeepAlive = true
    var responseBytesReceived = false
    /// When the upstream must have answered (route or app timeout), if there is a limit.
    var deadline: NIODeadline?
    var timeoutMilliseconds = 0
    var delay: Scheduled<Void>?
    var finished = false

    init(head: HTTPRequestHead, forwardHead: HTTPRequestHead, decision: TraceDecision, facts: SpanFacts, startNanos: UInt64, destination: String, route: Route?, endpoint: HostPort) {
        self.head = head
        self.forwardHead = forwardHead
        self.decision = decision
        self.facts = facts
        self.startNanos = startNanos
        self.keepAlive = head.isKeepAlive
        self.destination = destination
        self.route = route
        self.endpoint = endpoint
        self.attemptsLeft = route?.retries ?? 0
    }

    /// Largest request body kept for a retry on a fresh connection.
    static let maxRetainedBytes = 64 * 1024

    func retain(_ part: HTTPClientRequestPart) {
        guard retainedParts != nil else { return }
        if case .body(.byteBuffer(let buffer)) = part {
            retainedBytes += buffer.readableBytes
            if retainedBytes > Self.maxRetainedBytes {
                retainedParts = nil
                return
            }
        }
        retainedParts?.append(part)
    }
}
