import HTTP1Wire
import NIOCore

/// One request on its way through the proxy: what was decided and how far it got.
final class ProxyExchange {
    let decision: TraceDecision
    var facts: SpanFacts
    let startNanos: UInt64
    /// The client keeps the connection after this response.
    let keepAlive: Bool
    /// The client spoke HTTP/1.0: the response goes back as 1.0, without chunked framing.
    let clientMinorVersion: Int
    let requestWasHEAD: Bool
    /// Destination service (outbound) or this service (inbound).
    let destination: String
    let route: Route?
    var endpoint: HostPort
    var attemptsLeft: Int
    /// The forwarded head and the request's body bytes not yet written upstream, and (while
    /// small) a copy of all of it for a retry on a fresh connection.
    var pending: [ByteBuffer] = []
    var retained: [ByteBuffer]? = []
    var retainedBytes = 0
    var requestComplete = false
    var connection: UpstreamConnection?
    var headWritten = false
    var responseHeadSent = false
    var upstreamKeepAlive = true
    var responseBytesReceived = false
    /// Reading the response: its head's bytes so far, then its body.
    var responseHead: ByteBuffer?
    var responseBody: HTTP1BodyScanner?
    /// How far the response head's end was searched for.
    var responseHeadSearched = 0
    /// The response's body loses its chunked framing on the way (an HTTP/1.0 client).
    var dechunk = false
    /// The downstream connection closes after this response (the client asked, or the
    /// response's end is the upstream closing).
    var closeAfterResponse = false
    /// When the upstream must have answered (route or app timeout), if there is a limit.
    var deadline: NIODeadline?
    var timeoutMilliseconds = 0
    var delay: Scheduled<Void>?
    var finished = false

    init(decision: TraceDecision, facts: SpanFacts, startNanos: UInt64, keepAlive: Bool, clientMinorVersion: Int, requestWasHEAD: Bool, destination: String, route: Route?, endpoint: HostPort) {
        self.decision = decision
        self.facts = facts
        self.startNanos = startNanos
        self.keepAlive = keepAlive
        self.clientMinorVersion = clientMinorVersion
        self.requestWasHEAD = requestWasHEAD
        self.destination = destination
        self.route = route
        self.endpoint = endpoint
        self.attemptsLeft = route?.retries ?? 0
    }

    /// Largest request (head and body) kept for a retry on a fresh connection.
    static let maxRetainedBytes = 64 * 1024

    /// Keeps a copy of bytes written upstream while the request is small enough to retry.
    func retain(_ bytes: ByteBuffer) {
        guard retained != nil else { return }
        retainedBytes += bytes.readableBytes
        if retainedBytes > Self.maxRetainedBytes {
            retained = nil
            return
        }
        retained?.append(bytes)
    }
}
