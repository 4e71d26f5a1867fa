import HTTP1Wire
import Logging
import NIOCore
import NIOHTTP1
import TraceContext
import Zipkin

/// Proxies the HTTP/1.1 requests of one downstream connection to their upstream and reports
/// their spans, reading and writing bytes: no HTTP codec in the pipeline.
///
/// Inbound: every request goes to the app with the SERVER span's context. Outbound: the
/// destination service comes from the absolute-form URI or `Host`, an endpoint is picked
/// from its route (weighted), faults are applied and the request goes on with the CLIENT
/// span's context. Decisions come from the pure types (``TraceDecider``, ``Route``,
/// ``FaultPolicy``); reading and writing heads from `HTTP1Wire`; this class only moves bytes.
///
/// Why bytes: a proxy passes almost every header and every body byte on unchanged. Parsed
/// into `HTTPHeaders` and encoded again by NIOHTTP1, each request cost ~135,000 instructions
/// (strings for every name and value, a dynamic cast per part per handler); the head is now
/// read in place, its kept fields copied line by line, and bodies (chunked framing included)
/// forwarded as the `ByteBuffer` slices they arrived in, with ``HTTP1BodyScanner`` finding
/// where each message ends.
///
/// One request is in flight per connection. Bytes of a pipelined request (sent before the
/// previous response ended) wait in ``inbound`` and reading pauses until it is served.
/// The connection's ``ConnectionDeadlines`` hear of bytes, heads and response ends from here.
public final class ForwardingHandler: ChannelInboundHandler, UpstreamResponseReceiver {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private let direction: ProxyDirection
    private let runtime: ProxyRuntime
    private let loop: ProxyLoopContext
    private let logger: Logger
    private let deadlines: ConnectionDeadlines?
    private var context: ChannelHandlerContext?
    /// A response head was written and its end not yet (a protocol error then closes at once).
    private var responseInFlight = false
    private var exchange: ProxyExchange?
    private var peerAddress: String?
    /// Downstream bytes not processed yet: a head still arriving, or a pipelined request.
    private var inbound: ByteBuffer?
    /// How far `inbound` was searched for a head's end.
    private var headSearched = 0
    /// The body of the request being read, and the exchange it goes to (none or finished:
    /// its bytes are read and dropped, so the next request starts where it should).
    private var requestBody: HTTP1BodyScanner?
    private var bodyTarget: ProxyExchange?
    private var processingInbound = false
    /// The connection is closing (a protocol error was answered, or a response ends it):
    /// nothing more is read from it.
    private var refusing = false
    private var readsPaused = false
    private var readPending = false
    /// Where forwarded heads are written before they go into a `ByteBuffer` (kept: no
    /// allocation per request).
    private var scratch: [UInt8] = []
    /// Upstream timeouts of this connection's exchanges, one task for all of them.
    private let timeoutTimer = CoalescingTimer()

    /// The largest response head accepted from an upstream.
    static let maxResponseHeadBytes = 80 * 1024

    /// - Parameter deadlines: the connection's head and idle clocks, or nil for none.
    public init(direction: ProxyDirection, runtime: ProxyRuntime, loop: ProxyLoopContext, logger: Logger, deadlines: ConnectionDeadlines? = nil) {
        self.direction = direction
        self.runtime = runtime
        self.loop = loop
        self.logger = logger
        self.deadlines = deadlines
        scratch.reserveCapacity(1024)
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        peerAddress = context.channel.remoteAddress?.ipAddress
        if context.channel.isActive { deadlines?.startIdle(context) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        timeoutTimer.cancel()
    }

    public func channelActive(context: ChannelHandlerContext) {
        deadlines?.startIdle(context)
        context.fireChannelActive()
    }

    // MARK: downstream

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refusing else { return }
        var bytes = unwrapInboundIn(data)
        deadlines?.bytesArrived(context)
        if var buffered = inbound {
            inbound = nil
            buffered.writeBuffer(&bytes)
            inbound = buffered
        } else {
            inbound = bytes
        }
        processInbound(context: context)
    }

    public func read(context: ChannelHandlerContext) {
        if readsPaused {
            readPending = true
        } else {
            context.read()
        }
    }

    /// Reads what `inbound` holds: body bytes of the current request, or the next head once
    /// no exchange is in flight. Not re-entered (an exchange can end while a head is read).
    private func processInbound(context: ChannelHandlerContext) {
        guard !processingInbound else { return }
        processingInbound = true
        defer { processingInbound = false }
        while !refusing, var buffer = inbound {
            inbound = nil
            if buffer.readableBytes == 0 { break }
            if var scanner = requestBody {
                let consumed: Int
                do {
                    consumed = try buffer.withUnsafeReadableBytes { (bytes) throws(HTTP1ParseError) in try scanner.scan(bytes) }
                } catch {
                    refuse(error, context: context)
                    return
                }
                let body = buffer.readSlice(length: consumed)!
                inbound = buffer.readableBytes > 0 ? buffer : nil
                let target = bodyTarget.flatMap { $0.finished ? nil : $0 }
                if let target, consumed > 0 { forwardUpstream(body, target) }
                if scanner.isComplete {
                    requestBody = nil
                    bodyTarget = nil
                    target?.requestComplete = true
                } else {
                    requestBody = scanner
                }
                continue
            }
            if exchange != nil {
                // A pipelined request: it waits for the response in flight.
                inbound = buffer
                break
            }
            if headSearched == 0 {
                // RFC 9112 §2.2: empty lines before a request line are ignored.
                while let first = buffer.readableBytesView.first, first == 0x0D || first == 0x0A {
                    buffer.moveReaderIndex(forwardBy: 1)
                }
                if buffer.readableBytes == 0 { break }
            }
            let searched = headSearched
            let found = buffer.withUnsafeReadableBytes { HTTP1HeadParser.headLength(in: $0, from: searched) }
            // A head over the limit, whole or still arriving, is refused as soon as it is.
            if (found ?? buffer.readableBytes) > runtime.maxHeaderBytes {
                refuse(HTTP1ParseError(.headTooLarge(limit: runtime.maxHeaderBytes)), context: context)
                return
            }
            guard let length = found else {
                headSearched = max(0, buffer.readableBytes - 3)
                inbound = buffer
                break
            }
            headSearched = 0
            let headBytes = buffer.readBytes(length: length)!
            inbound = buffer.readableBytes > 0 ? buffer : nil
            deadlines?.headArrived()
            let head: HTTP1RequestHead
            let bodyLength: HTTP1BodyLength
            do {
                head = try HTTP1HeadParser.request(headBytes)
                bodyLength = try HTTP1BodyLength.of(head)
            } catch {
                refuse(error, context: context)
                return
            }
            let scanner = HTTP1BodyScanner(bodyLength)
            requestBody = scanner.isComplete ? nil : scanner
            start(head, context: context)
        }
        let waiting = inbound != nil && exchange != nil && requestBody == nil
        if waiting {
            readsPaused = true
        } else if readsPaused {
            readsPaused = false
            if readPending {
                readPending = false
                context.read()
            }
        }
    }

    public func upstreamWritabilityChanged(isWritable: Bool) {
        // Backpressure is not applied yet (see docs/PROXY.md): bodies are forwarded as they come.
    }

    public func channelInactive(context: ChannelHandlerContext) {
        deadlines?.cancelAll()
        if let exchange, !exchange.finished {
            exchange.facts.responseFlags = "DC"
            exchange.facts.error = "downstream closed the connection before the response completed"
            finish(exchange, reusable: false, closeDownstream: false)
        }
        context.fireChannelInactive()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("downstream connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Bytes that are not HTTP/1.1 the proxy passes on: answer (unless a response is half
    /// written) and close this connection, since what follows cannot be trusted; other
    /// connections are unaffected.
    private func refuse(_ error: HTTP1ParseError, context: ChannelHandlerContext) {
        refusing = true
        inbound = nil
        requestBody = nil
        runtime.statistics.requestRejected()
        if let exchange, !exchange.finished {
            exchange.facts.responseFlags = "DPE"
            exchange.facts.error = "downstream protocol error: \(error)"
            if exchange.responseHeadSent {
                finish(exchange, reusable: false, closeDownstream: true)
                return
            }
            exchange.facts.statusCode = error.status
            finish(exchange, reusable: false, closeDownstream: false)
        }
        if responseInFlight {
            context.close(promise: nil)
            return
        }
        let message = error.status == 431 ? "request \(error)" : "bad request: \(error)"
        writeLocalResponse(status: error.status, message: message, keepAlive: false, closeWhenWritten: true, context: context)
    }

    private func start(_ head: HTTP1RequestHead, context: ChannelHandlerContext) {
        runtime.statistics.requestStarted(direction)
        let live = runtime.live
        let settings = live.settings
        let startNanos = NIODeadline.now().uptimeNanoseconds
        let startMicros = ClockOffset.shifted(WallClock.nowMicros(), by: settings.clockOffsetMicroseconds)
        var carrier = HTTP1HeadCarrier(head.fields)
        let decision = live.decider.decide(side: direction == .inbound ? .server : .client, headers: carrier, samplingRate: settings.sampling, using: &loop.idRandom)
        if !decision.errors.isEmpty {
            logger.debug("malformed trace headers ignored", metadata: ["errors": "\(decision.errors.map(\.description))"])
        }

        // Where does it go? An origin-form target (`/path`) is forwarded as it came.
        let bytes = head.fields.bytes
        let originForm = bytes[head.target.lowerBound] == UInt8(ascii: "/")
        let target = originForm && !decision.sampled ? nil : head.targetString
        let path = target.map(Self.pathAndQuery)
        let destination: String
        var route: Route?
        var endpoint: HostPort
        let cluster: String
        let url: String
        if direction == .inbound {
            destination = settings.service
            endpoint = settings.app
            // The span's strings are made only for a span that is reported.
            cluster = decision.sampled ? "inbound|\(settings.app.port)||\(settings.service)" : ""
            url = decision.sampled ? "http://\(head.fields.first("host") ?? settings.service)\(path ?? "/")" : ""
        } else {
            let authority = (originForm ? nil : Self.authority(target ?? "")) ?? head.fields.first("host") ?? ""
            destination = Self.hostWithoutPort(authority).lowercased()
            route = settings.routes[destination]
            endpoint = route?.pickEndpoint(using: &loop.routingRandom)?.address ?? HostPort(host: destination, port: 0)
            cluster = decision.sampled ? "outbound|\(endpoint.port)||\(destination)" : ""
            url = decision.sampled ? "http://\(authority)\(path ?? "/")" : ""
            if !originForm { carrier.writer.set("host", authority) }
        }
        live.decider.rewrite(&carrier, for: decision)

        // METHOD SP target SP HTTP/1.1, then the kept and the set fields.
        let forwardHead = headBytes(head.fields, writer: carrier.writer, context: context) { text in
            text.append(contentsOf: bytes[head.method])
            text.append(0x20)
            if originForm {
                text.append(contentsOf: bytes[head.target])
            } else {
                text.append(contentsOf: (path ?? "/").utf8)
            }
            text.append(contentsOf: " HTTP/1.1\r\n".utf8)
        }

        let facts = SpanFacts(
            kind: direction == .inbound ? .server : .client, service: settings.service, nodeID: settings.nodeID,
            method: head.methodString, url: url, path: decision.sampled ? Self.pathOnly(path ?? "/") : "", upstreamCluster: cluster, peerAddress: peerAddress,
            remoteService: direction == .outbound ? destination : nil, remoteAddress: direction == .outbound ? endpoint : nil,
            startMicros: startMicros, durationMicros: 0
        )
        let exchange = ProxyExchange(
            decision: decision, facts: facts, startNanos: startNanos, keepAlive: head.keepAlive, clientMinorVersion: head.minorVersion,
            requestWasHEAD: head.isHEAD, destination: destination, route: route, endpoint: endpoint
        )
        self.exchange = exchange
        runtime.exchangeStarted()
        if requestBody != nil {
            bodyTarget = exchange
        } else {
            exchange.requestComplete = true
        }
        forwardUpstream(forwardHead, exchange)

        if direction == .outbound, route == nil || endpoint.port == 0 {
            exchange.facts.responseFlags = "NR"
            let reason = route == nil ? "the proxy has no route for service '\(destination)' (add --route \(destination)=HOST:PORT)" : "every endpoint of service '\(destination)' has weight 0"
            exchange.facts.error = "no route to \(destination)"
            respond(exchange, status: 503, message: "no healthy upstream: \(reason)")
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
            respond(exchange, status: abortStatus, message: "fault filter abort")
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
                self.respond(exchange, status: 503, message: "upstream connect error: cannot connect to \(exchange.destination) at \(exchange.endpoint): \(error)")
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
        let pending = exchange.pending
        exchange.pending = []
        for bytes in pending { channel.write(bytes, promise: nil) }
        channel.flush()
    }

    /// Request bytes (the forwarded head, then the body as it arrives) on their way upstream.
    private func forwardUpstream(_ bytes: ByteBuffer, _ exchange: ProxyExchange) {
        exchange.retain(bytes)
        if exchange.headWritten, let connection = exchange.connection {
            connection.channel.writeAndFlush(bytes, promise: nil)
        } else {
            exchange.pending.append(bytes)
        }
    }

    // MARK: upstream

    public func upstreamRead(_ bytes: ByteBuffer) {
        guard let exchange, !exchange.finished, let context else { return }
        exchange.responseBytesReceived = true
        var buffer = bytes
        while buffer.readableBytes > 0, !exchange.finished {
            if exchange.responseBody != nil {
                readResponseBody(&buffer, exchange, context: context)
                continue
            }
            if var head = exchange.responseHead {
                exchange.responseHead = nil
                head.writeBuffer(&buffer)
                buffer = head
            }
            let searched = exchange.responseHeadSearched
            guard let length = buffer.withUnsafeReadableBytes({ HTTP1HeadParser.headLength(in: $0, from: searched) }) else {
                guard buffer.readableBytes <= Self.maxResponseHeadBytes else {
                    upstreamProtocolError(exchange, HTTP1ParseError(.headTooLarge(limit: Self.maxResponseHeadBytes)))
                    return
                }
                exchange.responseHeadSearched = max(0, buffer.readableBytes - 3)
                exchange.responseHead = buffer
                return
            }
            exchange.responseHeadSearched = 0
            let head: HTTP1ResponseHead
            let bodyLength: HTTP1BodyLength
            do {
                head = try HTTP1HeadParser.response(buffer.readBytes(length: length)!)
                bodyLength = try HTTP1BodyLength.of(head, requestWasHEAD: exchange.requestWasHEAD)
            } catch {
                upstreamProtocolError(exchange, error)
                return
            }
            if head.isInterim {
                // RFC 9110 §15.2: no 1xx to an HTTP/1.0 client.
                if exchange.clientMinorVersion >= 1 { writeResponseHead(head, bodyLength: bodyLength, exchange, context: context) }
                continue
            }
            writeResponseHead(head, bodyLength: bodyLength, exchange, context: context)
            let scanner = HTTP1BodyScanner(bodyLength)
            if scanner.isComplete {
                finish(exchange, reusable: exchange.upstreamKeepAlive && exchange.requestComplete && buffer.readableBytes == 0, closeDownstream: exchange.closeAfterResponse, responseComplete: true)
                return
            }
            exchange.responseBody = scanner
        }
    }

    /// The response head as the client gets it: the client's HTTP version, hop-by-hop fields
    /// dropped, `Connection` saying whether the connection stays.
    private func writeResponseHead(_ head: HTTP1ResponseHead, bodyLength: HTTP1BodyLength, _ exchange: ProxyExchange, context: ChannelHandlerContext) {
        var writer = HTTP1HeadWriter()
        if !head.isInterim {
            exchange.upstreamKeepAlive = head.keepAlive && bodyLength != .untilClose
            exchange.facts.statusCode = head.status
            var closeAfter = !exchange.keepAlive || bodyLength == .untilClose
            if bodyLength == .chunked, exchange.clientMinorVersion == 0 {
                // HTTP/1.0 has no chunked framing: the payload goes on alone, ended by closing.
                exchange.dechunk = true
                writer.dropTransferEncoding = true
                closeAfter = true
            }
            exchange.closeAfterResponse = closeAfter
            if closeAfter {
                writer.set("connection", "close")
            } else if exchange.clientMinorVersion == 0 {
                writer.set("connection", "keep-alive")
            }
            exchange.responseHeadSent = true
            responseInFlight = true
        }
        let bytes = headBytes(head.fields, writer: writer, context: context) { text in
            text.append(contentsOf: exchange.clientMinorVersion == 0 ? "HTTP/1.0 ".utf8 : "HTTP/1.1 ".utf8)
            text.append(contentsOf: head.fields.bytes[head.statusText])
            text.append(0x0D)
            text.append(0x0A)
        }
        context.write(wrapOutboundOut(bytes), promise: nil)
    }

    /// A head to send: the start line `startLine` writes, then `fields` as `writer` keeps and
    /// sets them. Written in ``scratch``, taken out of the handler meanwhile (one access to the
    /// stored property instead of one per append, and no new array per head).
    private func headBytes(_ fields: HTTP1Fields, writer: HTTP1HeadWriter, context: ChannelHandlerContext, startLine: (inout [UInt8]) -> Void) -> ByteBuffer {
        var text = scratch
        scratch = []
        text.removeAll(keepingCapacity: true)
        startLine(&text)
        writer.write(fields: fields, into: &text)
        var bytes = context.channel.allocator.buffer(capacity: text.count)
        bytes.writeBytes(text)
        scratch = text
        return bytes
    }

    private func readResponseBody(_ buffer: inout ByteBuffer, _ exchange: ProxyExchange, context: ChannelHandlerContext) {
        guard var scanner = exchange.responseBody else { return }
        var payload: [Range<Int>] = []
        let dechunk = exchange.dechunk
        let consumed: Int
        do {
            consumed = try buffer.withUnsafeReadableBytes { (bytes) throws(HTTP1ParseError) in
                try scanner.scan(bytes) { range in if dechunk, !range.isEmpty { payload.append(range) } }
            }
        } catch {
            upstreamProtocolError(exchange, error)
            return
        }
        exchange.responseBody = scanner
        if dechunk {
            let base = buffer.readerIndex
            for range in payload {
                context.write(wrapOutboundOut(buffer.getSlice(at: base + range.lowerBound, length: range.count)!), promise: nil)
            }
            buffer.moveReaderIndex(forwardBy: consumed)
        } else if consumed > 0 {
            context.write(wrapOutboundOut(buffer.readSlice(length: consumed)!), promise: nil)
        }
        if scanner.isComplete {
            // Bytes after the response's end: the upstream cannot be trusted with another request.
            let reusable = exchange.upstreamKeepAlive && exchange.requestComplete && buffer.readableBytes == 0
            finish(exchange, reusable: reusable, closeDownstream: exchange.closeAfterResponse, responseComplete: true)
        }
    }

    public func upstreamReadComplete() {
        context?.flush()
    }

    public func upstreamClosed() {
        guard let exchange, !exchange.finished, let connection = exchange.connection else { return }
        exchange.connection = nil
        if let body = exchange.responseBody, body.endsAtClose {
            // A response without a length ends here.
            loop.pool.release(connection, reusable: false)
            finish(exchange, reusable: false, closeDownstream: true, responseComplete: true)
            return
        }
        if !exchange.responseBytesReceived, connection.reused, let retained = exchange.retained {
            // The server closed a kept-alive connection as we reused it: try a fresh one.
            exchange.headWritten = false
            exchange.pending = retained
            loop.pool.release(connection, reusable: false)
            connect(exchange)
            return
        }
        fail(exchange, flags: "UC", error: "upstream \(exchange.destination) at \(exchange.endpoint) closed the connection before the response completed",
             status: 503, message: "upstream connect error: \(exchange.destination) at \(exchange.endpoint) closed the connection before answering")
    }

    /// Ends an exchange that went wrong upstream: the proxy answers `status` when nothing of
    /// the response was sent yet, else the client's connection is cut mid-response.
    private func fail(_ exchange: ProxyExchange, flags: String, error: String, status: Int, message: String) {
        exchange.facts.responseFlags = flags
        exchange.facts.error = error
        if exchange.responseHeadSent {
            finish(exchange, reusable: false, closeDownstream: true)
        } else {
            respond(exchange, status: status, message: message)
        }
    }

    /// The upstream's bytes are not an HTTP/1.1 response: 502 if nothing was sent yet, else
    /// the client's connection is cut (Envoy's `UPE`).
    private func upstreamProtocolError(_ exchange: ProxyExchange, _ error: HTTP1ParseError) {
        let text = "upstream protocol error: \(exchange.destination) at \(exchange.endpoint) sent a malformed response (\(error))"
        fail(exchange, flags: "UPE", error: text, status: 502, message: text)
    }

    private func timedOut(_ exchange: ProxyExchange) {
        guard !exchange.finished else { return }
        let milliseconds = exchange.timeoutMilliseconds
        runtime.statistics.timedOut()
        let text = "upstream request timeout: \(exchange.destination) did not answer within \(milliseconds) ms"
        fail(exchange, flags: "UT", error: text, status: 504, message: text)
    }

    // MARK: ending

    /// Answers from the proxy itself (no route, connect failure, timeout, fault abort).
    private func respond(_ exchange: ProxyExchange, status: Int, message: String) {
        guard let context else { return }
        exchange.facts.statusCode = status
        exchange.responseHeadSent = true
        writeLocalResponse(status: status, message: message, keepAlive: exchange.keepAlive, context: context)
        // The connection stays open even when the request's body has not been read yet (a
        // fault abort decides on the head): the body scanner still delimits the request, and
        // its remaining bytes are dropped because the exchange is finished. Closing here
        // instead, without `Connection: close` on the answer, raced clients that reuse
        // kept-alive connections into a reset, so their next call never reached the proxy.
        finish(exchange, reusable: false, closeDownstream: !exchange.keepAlive)
    }

    private func writeLocalResponse(status: Int, message: String, keepAlive: Bool, closeWhenWritten: Bool = false, context: ChannelHandlerContext) {
        let body = message + "\n"
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        var head = "HTTP/1.1 \(status) \(reason)\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: \(body.utf8.count)\r\nserver: tracelab-proxy\r\n"
        if !keepAlive { head += "connection: close\r\n" }
        head += "\r\n"
        var bytes = context.channel.allocator.buffer(capacity: head.utf8.count + body.utf8.count)
        bytes.writeString(head)
        bytes.writeString(body)
        responseEnded(context: context)
        if closeWhenWritten {
            context.writeAndFlush(wrapOutboundOut(bytes)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        }
    }

    /// A response's end is being written: the connection's idle clock starts.
    private func responseEnded(context: ChannelHandlerContext) {
        responseInFlight = false
        deadlines?.responseEnded(context)
    }

    /// - Parameters:
    ///   - responseComplete: the upstream's response ended and every byte of it was written.
    ///   - closeDownstream: close the client's connection once what was written is sent.
    private func finish(_ exchange: ProxyExchange, reusable: Bool, closeDownstream: Bool, responseComplete: Bool = false) {
        guard !exchange.finished else { return }
        exchange.finished = true
        exchange.delay?.cancel()
        exchange.pending = []
        exchange.retained = nil
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
        if responseComplete {
            responseEnded(context: context)
        }
        if closeDownstream {
            refusing = true
            inbound = nil
            if responseComplete {
                // Closed once the response's last bytes are sent (an empty write completes after them).
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            } else {
                // Aborted mid-response, or a local answer on a Connection: close request.
                context.flush()
                context.close(promise: nil)
            }
            return
        }
        if responseComplete { context.flush() }
        if inbound != nil || readsPaused {
            processInbound(context: context)
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
