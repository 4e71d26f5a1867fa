import Logging
import NIOCore
import NIOHTTP1
import TraceContext
import Zipkin

/// Proxies each HTTP/1.1 request of one downstream connection to its upstream and reports
/// its span.
///
/// Inbound: every request goes to the app with the SERVER span's context. Outbound: the
/// destination service comes from the absolute-form URI or `Host`, an endpoint is picked
/// from its route (weighted), faults are applied and the request goes on with the CLIENT
/// span's context. Decisions come from the pure types (``TraceDecider``, ``Route``,
/// ``FaultPolicy``, ``RequestGuard``, ``HopByHopHeaders``); this class only moves parts.
///
/// One request is in flight per connection. A pipelined request (sent before the previous
/// response ended) waits in ``queued`` and reading pauses until it is served, which is what
/// NIO's `HTTPServerPipelineHandler` does; doing it here means the common, unpipelined case
/// never toggles read interest (two `epoll_ctl` calls per request with that handler).
///
/// It also tells ``ConnectionDeadlines`` when a head arrived and a response ended, and
/// answers requests the HTTP parser refused (``ProtocolErrorAnswer``): it sees those events
/// anyway, while a handler of their own would unwrap every request and response part again
/// (a dynamic cast each, a tenth of the proxy's instructions with two such handlers).
public final class ForwardingHandler: ChannelDuplexHandler, UpstreamResponseReceiver {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias OutboundIn = HTTPServerResponsePart
    public typealias OutboundOut = HTTPServerResponsePart

    private let direction: ProxyDirection
    private let runtime: ProxyRuntime
    private let loop: ProxyLoopContext
    private let logger: Logger
    private let deadlines: ConnectionDeadlines?
    private var context: ChannelHandlerContext?
    /// A response head was written and its end not yet (a parser error then closes at once).
    private var responseInFlight = false
    private var exchange: ProxyExchange?
    private var peerAddress: String?
    /// Parts of pipelined requests, in arrival order, while an exchange is in flight.
    private var queued: [HTTPServerRequestPart] = []
    private var readsPaused = false
    private var readPending = false
    /// Upstream timeouts of this connection's exchanges, one task for all of them.
    private let timeoutTimer = CoalescingTimer()

    /// - Parameter deadlines: the connection's head and idle clocks (its ``ConnectionDeadlines/ByteWatcher``
    ///   sits before the HTTP decoder), or nil for none.
    public init(direction: ProxyDirection, runtime: ProxyRuntime, loop: ProxyLoopContext, logger: Logger, deadlines: ConnectionDeadlines? = nil) {
        self.direction = direction
        self.runtime = runtime
        self.loop = loop
        self.logger = logger
        self.deadlines = deadlines
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        peerAddress = context.channel.remoteAddress?.ipAddress
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        timeoutTimer.cancel()
    }

    // MARK: downstream

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .head = part { deadlines?.headArrived() }
        if !queued.isEmpty || (exchange != nil && Self.isHead(part)) {
            queued.append(part)
            readsPaused = true
            return
        }
        handle(part, context: context)
    }

    public func read(context: ChannelHandlerContext) {
        if readsPaused {
            readPending = true
        } else {
            context.read()
        }
    }

    private static func isHead(_ part: HTTPServerRequestPart) -> Bool {
        if case .head = part { return true }
        return false
    }

    /// Serves the pipelined requests that waited for the exchange that just ended.
    private func serveQueued(context: ChannelHandlerContext) {
        while !queued.isEmpty {
            if exchange != nil, Self.isHead(queued[0]) { return }
            handle(queued.removeFirst(), context: context)
        }
        readsPaused = false
        if readPending {
            readPending = false
            context.read()
        }
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            start(head, context: context)
        case .body(let buffer):
            forwardRequestPart(.body(.byteBuffer(buffer)))
        case .end(let trailers):
            guard let exchange, !exchange.finished else { return }
            exchange.requestComplete = true
            forwardRequestPart(.end(trailers))
        }
    }

    public func upstreamWritabilityChanged(isWritable: Bool) {
        // Backpressure is not applied yet (see docs/PROXY.md): bodies are forwarded as they come.
    }

    public func channelInactive(context: ChannelHandlerContext) {
        if let exchange, !exchange.finished {
            exchange.facts.responseFlags = "DC"
            exchange.facts.error = "downstream closed the connection before the response completed"
            finish(exchange, reusable: false, closeDownstream: false)
        }
        context.fireChannelInactive()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            logger.debug("downstream connection error", metadata: ["error": "\(error)"])
            context.close(promise: nil)
            return
        }
        // The bytes after a parse error cannot be trusted: answer (unless a response is half
        // written) and close this connection; other connections are unaffected.
        runtime.statistics.requestRejected()
        if responseInFlight {
            context.close(promise: nil)
            return
        }
        let answer = ProtocolErrorAnswer(parserError)
        writeLocalResponse(status: answer.status, message: answer.message, keepAlive: false, closeWhenWritten: true, context: context)
    }

    private func start(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        if let rejection = runtime.requestGuard.check(head) {
            runtime.statistics.requestRejected()
            respondLocally(status: rejection.status, message: rejection.message, keepAlive: false, context: context)
            return
        }
        runtime.statistics.requestStarted(direction)
        let live = runtime.live
        let settings = live.settings
        let startNanos = NIODeadline.now().uptimeNanoseconds
        let startMicros = ClockOffset.shifted(WallClock.nowMicros(), by: settings.clockOffsetMicroseconds)
        let carrier = HTTPHeadersCarrier(head.headers)
        let decision = live.decider.decide(side: direction == .inbound ? .server : .client, headers: carrier, samplingRate: settings.sampling, using: &loop.idRandom)
        if !decision.errors.isEmpty {
            logger.debug("malformed trace headers ignored", metadata: ["errors": "\(decision.errors.map(\.description))"])
        }

        // Where does it go?
        let path = Self.pathAndQuery(head.uri)
        let destination: String
        var route: Route?
        var endpoint: HostPort
        let cluster: String
        let url: String
        var forward = head
        forward.version = .http1_1
        if direction == .inbound {
            destination = settings.service
            endpoint = settings.app
            // The span's strings are made only for a span that is reported.
            cluster = decision.sampled ? "inbound|\(settings.app.port)||\(settings.service)" : ""
            url = decision.sampled ? "http://\(head.headers.first(name: "host") ?? settings.service)\(path)" : ""
        } else {
            let authority = Self.authority(head.uri) ?? head.headers.first(name: "host") ?? ""
            destination = Self.hostWithoutPort(authority).lowercased()
            route = settings.routes[destination]
            endpoint = route?.pickEndpoint(using: &loop.routingRandom)?.address ?? HostPort(host: destination, port: 0)
            cluster = decision.sampled ? "outbound|\(endpoint.port)||\(destination)" : ""
            url = decision.sampled ? "http://\(authority)\(path)" : ""
            forward.uri = path
            forward.headers.replaceOrAdd(name: "host", value: authority)
        }
        forward.uri = path
        let stripped = HopByHopHeaders.strip(&forward.headers)
        if stripped.wasChunked { forward.headers.add(name: "transfer-encoding", value: "chunked") }
        // The carrier takes the only reference to the headers, so rewriting them mutates in
        // place instead of copying the array (and retaining every name and value) once more.
        var forwardCarrier = HTTPHeadersCarrier(forward.headers)
        forward.headers = HTTPHeaders()
        live.decider.rewrite(&forwardCarrier, for: decision)
        forward.headers = forwardCarrier.headers

        let facts = SpanFacts(
            kind: direction == .inbound ? .server : .client, service: settings.service, nodeID: settings.nodeID,
            method: head.method.rawValue, url: url, path: decision.sampled ? Self.pathOnly(path) : "", upstreamCluster: cluster, peerAddress: peerAddress,
            remoteService: direction == .outbound ? destination : nil, remoteAddress: direction == .outbound ? endpoint : nil,
            startMicros: startMicros, durationMicros: 0
        )
        let exchange = ProxyExchange(head: head, forwardHead: forward, decision: decision, facts: facts, startNanos: startNanos, destination: destination, route: route, endpoint: endpoint)
        self.exchange = exchange
        runtime.exchangeStarted()

        if direction == .outbound, route == nil || endpoint.port == 0 {
            exchange.facts.responseFlags = "NR"
            let reason = route == nil ? "the proxy has no route for service '\(destination)' (add --route \(destination)=HOST:PORT)" : "every endpoint of service '\(destination)' has weight 0"
            exchange.facts.error = "no route to \(destination)"
            respond(exchange, status: .serviceUnavailable, message: "no healthy upstream: \(reason)")
            return
        }

        let timeoutMilliseconds = route?.timeoutMilliseconds ?? Int(runtime.appTimeout.nanoseconds / 1_000_000)
        let faults = route?.fault?.decide(using: &loop.routingRandom) ?? .none
        if timeoutMilliseconds > 0 {
            exchange.timeoutMilliseconds = timeoutMilliseconds
            let deadline = NIODeadline.uptimeNanoseconds(startNanos) + .milliseconds(Int64(timeoutMilliseconds) + Int64(faults.delayMilliseconds ?? 0))
            exchange.deadline = deadline
            armTimeout(at: deadline, context: context)
        }
        if let delay = faults.delayMilliseconds {
            runtime.statistics.faultDelayed()
            exchange.facts.responseFlags = "DI"
            exchange.delay = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(delay))) { [weak self] in
                exchange.delay = nil
                self?.proceed(exchange, abortStatus: faults.abortStatus)
            }
        } else {
            proceed(exchange, abortStatus: faults.abortStatus)
        }
    }

    private func armTimeout(at deadline: NIODeadline, context: ChannelHandlerContext) {
        timeoutTimer.arm(at: deadline, on: context.eventLoop) { [weak self] in
            self?.timeoutTimerFired()
        }
    }

    private func timeoutTimerFired() {
        guard let exchange, !exchange.finished, let deadline = exchange.deadline, let context else { return }
        if deadline <= .now() {
            timedOut(exchange)
        } else {
            armTimeout(at: deadline, context: context)
        }
    }

    private func proceed(_ exchange: ProxyExchange, abortStatus: Int?) {
        guard !exchange.finished else { return }
        if let abortStatus {
            runtime.statistics.faultAborted()
            exchange.facts.responseFlags = "FI"
            exchange.facts.error = "fault injected: abort with \(abortStatus)"
            respond(exchange, status: HTTPResponseStatus(statusCode: abortStatus), message: "fault filter abort")
            return
        }
        connect(exchange)
    }

    private func connect(_ exchange: ProxyExchange) {
        if let connection = loop.pool.takeIdle(exchange.endpoint) {
            attach(connection, to: exchange)
            return
        }
        loop.pool.acquire(exchange.endpoint).assumeIsolated().whenComplete { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let connection):
                guard !exchange.finished, self.exchange === exchange else {
                    self.loop.pool.release(connection, reusable: true)
                    return
                }
                self.attach(connection, to: exchange)
            case .failure(let error):
                guard !exchange.finished else { return }
                self.runtime.statistics.connectFailed()
                if exchange.attemptsLeft > 0, let route = exchange.route, let next = route.pickEndpoint(using: &self.loop.routingRandom) {
                    exchange.attemptsLeft -= 1
                    exchange.endpoint = next.address
                    exchange.facts.remoteAddress = next.address
                    self.connect(exchange)
                    return
                }
                exchange.facts.responseFlags = "UF"
                exchange.facts.error = "upstream connect error: \(exchange.destination) at \(exchange.endpoint) (\(error))"
                self.respond(exchange, status: .serviceUnavailable, message: "upstream connect error: cannot connect to \(exchange.destination) at \(exchange.endpoint): \(error)")
            }
        }
    }

    private func attach(_ connection: UpstreamConnection, to exchange: ProxyExchange) {
        exchange.connection = connection
        connection.receiver = self
        writeUpstreamHead(exchange, connection: connection)
    }

    private func writeUpstreamHead(_ exchange: ProxyExchange, connection: UpstreamConnection) {
        exchange.headWritten = true
        let channel = connection.channel
        channel.write(HTTPClientRequestPart.head(exchange.forwardHead), promise: nil)
        let pending = exchange.pendingParts
        exchange.pendingParts = []
        for part in pending { channel.write(part, promise: nil) }
        channel.flush()
    }

    private func forwardRequestPart(_ part: HTTPClientRequestPart) {
        guard let exchange, !exchange.finished else { return }
        exchange.retain(part)
        if exchange.headWritten, let connection = exchange.connection {
            connection.channel.writeAndFlush(part, promise: nil)
        } else {
            exchange.pendingParts.append(part)
        }
    }

    // MARK: upstream

    public func upstreamRead(_ part: HTTPClientResponsePart) {
        guard let exchange, !exchange.finished, let context else { return }
        exchange.responseBytesReceived = true
        switch part {
        case .head(var head):
            exchange.upstreamKeepAlive = head.isKeepAlive
            exchange.facts.statusCode = Int(head.status.code)
            HopByHopHeaders.strip(&head.headers)
            head.version = exchange.head.version
            if !exchange.keepAlive { head.headers.replaceOrAdd(name: "connection", value: "close") }
            exchange.responseHeadSent = true
            responseInFlight = true
            context.write(wrapOutboundOut(.head(head)), promise: nil)
        case .body(let buffer):
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        case .end(let trailers):
            finish(exchange, reusable: exchange.upstreamKeepAlive && exchange.requestComplete, closeDownstream: !exchange.keepAlive, writeEnd: true, trailers: trailers)
        }
    }

    public func upstreamReadComplete() {
        context?.flush()
    }

    public func upstreamClosed() {
        guard let exchange, !exchange.finished, let connection = exchange.connection else { return }
        exchange.connection = nil
        if !exchange.responseBytesReceived, connection.reused, let retained = exchange.retainedParts {
            // The server closed a kept-alive connection as we reused it: try a fresh one.
            exchange.headWritten = false
            exchange.pendingParts = retained
            loop.pool.release(connection, reusable: false)
            connect(exchange)
            return
        }
        exchange.facts.responseFlags = "UC"
        exchange.facts.error = "upstream \(exchange.destination) at \(exchange.endpoint) closed the connection before the response completed"
        if exchange.responseHeadSent {
            finish(exchange, reusable: false, closeDownstream: true)
        } else {
            respond(exchange, status: .serviceUnavailable, message: "upstream connect error: \(exchange.destination) at \(exchange.endpoint) closed the connection before answering")
        }
    }

    private func timedOut(_ exchange: ProxyExchange) {
        guard !exchange.finished else { return }
        let milliseconds = exchange.timeoutMilliseconds
        runtime.statistics.timedOut()
        exchange.facts.responseFlags = "UT"
        exchange.facts.error = "upstream request timeout: \(exchange.destination) did not answer within \(milliseconds) ms"
        if exchange.responseHeadSent {
            finish(exchange, reusable: false, closeDownstream: true)
        } else {
            respond(exchange, status: .gatewayTimeout, message: "upstream request timeout: \(exchange.destination) did not answer within \(milliseconds) ms")
        }
    }

    // MARK: ending

    /// Answers from the proxy itself (no route, connect failure, timeout, fault abort).
    private func respond(_ exchange: ProxyExchange, status: HTTPResponseStatus, message: String) {
        guard let context else { return }
        exchange.facts.statusCode = Int(status.code)
        exchange.responseHeadSent = true
        writeLocalResponse(status: status, message: message, keepAlive: exchange.keepAlive, context: context)
        // The connection stays open even when the request's end has not been read yet (a fault
        // abort decides on the head): the HTTP decoder still delimits the request, and its
        // remaining parts are dropped because the exchange is finished. Closing here instead,
        // without `Connection: close` on the answer, raced clients that reuse kept-alive
        // connections into a reset, so their next call never reached the proxy.
        finish(exchange, reusable: false, closeDownstream: !exchange.keepAlive)
    }

    private func respondLocally(status: HTTPResponseStatus, message: String, keepAlive: Bool, context: ChannelHandlerContext) {
        writeLocalResponse(status: status, message: message, keepAlive: keepAlive, context: context)
        if !keepAlive {
            context.close(promise: nil)
        }
    }

    private func writeLocalResponse(status: HTTPResponseStatus, message: String, keepAlive: Bool, closeWhenWritten: Bool = false, context: ChannelHandlerContext) {
        let body = context.channel.allocator.buffer(string: message + "\n")
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        headers.add(name: "content-length", value: String(body.readableBytes))
        headers.add(name: "server", value: "tracelab-proxy")
        if !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        responseEnded(context: context)
        if closeWhenWritten {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    /// A response's end is being written: the connection's idle clock starts.
    private func responseEnded(context: ChannelHandlerContext) {
        responseInFlight = false
        deadlines?.responseEnded(context)
    }

    private func finish(_ exchange: ProxyExchange, reusable: Bool, closeDownstream: Bool, writeEnd: Bool = false, trailers: HTTPHeaders? = nil) {
        guard !exchange.finished else { return }
        exchange.finished = true
        exchange.delay?.cancel()
        if self.exchange === exchange { self.exchange = nil }
        if let connection = exchange.connection {
            exchange.connection = nil
            loop.pool.release(connection, reusable: reusable)
        }
        runtime.exchangeFinished()
        let duration = NIODeadline.now().uptimeNanoseconds &- exchange.startNanos
        runtime.statistics.responseFinished(direction, status: exchange.facts.statusCode ?? 0, durationNanoseconds: duration)
        if exchange.decision.sampled {
            exchange.facts.durationMicros = duration / 1_000
            runtime.reporter.report(ProxySpanBuilder.span(exchange.facts, decision: exchange.decision))
        }
        guard let context, context.channel.isActive else { return }
        if writeEnd {
            responseEnded(context: context)
            if closeDownstream {
                context.writeAndFlush(wrapOutboundOut(.end(trailers))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            } else {
                context.writeAndFlush(wrapOutboundOut(.end(trailers)), promise: nil)
            }
        } else if closeDownstream {
            // Aborted mid-response, or a local answer on a Connection: close request.
            context.flush()
            context.close(promise: nil)
        }
        if closeDownstream {
            queued.removeAll()
        } else if !queued.isEmpty || readsPaused {
            serveQueued(context: context)
        }
    }

    // MARK: URI helpers

    /// `http://host:port/path?q` → `/path?q`; origin-form stays.
    static func pathAndQuery(_ uri: String) -> String {
        if uri.utf8.first == UInt8(ascii: "/") { return uri }
        guard let afterScheme = afterScheme(uri) else { return uri.isEmpty ? "/" : uri }
        guard let slash = afterScheme.utf8.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) else { return "/" }
        let rest = afterScheme[slash...]
        return rest.utf8.first == UInt8(ascii: "/") ? String(rest) : "/" + rest
    }

    static func authority(_ uri: String) -> String? {
        guard let afterScheme = afterScheme(uri) else { return nil }
        let end = afterScheme.utf8.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) ?? afterScheme.endIndex
        let authority = afterScheme[..<end]
        return authority.isEmpty ? nil : String(authority)
    }

    /// What follows the first `://` of an absolute-form URI, found by bytes (Foundation's
    /// `range(of:)` showed up in the sidecar's profile).
    private static func afterScheme(_ uri: String) -> Substring? {
        let bytes = uri.utf8
        var index = bytes.startIndex
        while let colon = bytes[index...].firstIndex(of: UInt8(ascii: ":")) {
            let first = bytes.index(after: colon)
            guard first < bytes.endIndex else { return nil }
            let second = bytes.index(after: first)
            if bytes[first] == UInt8(ascii: "/"), second < bytes.endIndex, bytes[second] == UInt8(ascii: "/") {
                return uri[bytes.index(after: second)...]
            }
            index = first
        }
        return nil
    }

    static func hostWithoutPort(_ authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        if let colon = authority.lastIndex(of: ":") { return String(authority[..<colon]) }
        return authority
    }

    static func pathOnly(_ pathAndQuery: String) -> String {
        if let question = pathAndQuery.firstIndex(of: "?") { return String(pathAndQuery[..<question]) }
        return pathAndQuery
    }
}
