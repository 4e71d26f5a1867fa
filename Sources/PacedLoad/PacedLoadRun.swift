import NIOCore
import NIOHTTP1
import NIOPosix

/// One run of a `PacedHTTPLoad`: the due-time pacing, the queue of requests waiting for a
/// connection, the connections, and the tally. Every method runs on `eventLoop`, which is
/// what makes the unchecked `Sendable` sound (the bootstrap's callbacks run there too).
final class PacedLoadRun: @unchecked Sendable {
    let load: PacedHTTPLoad
    let eventLoop: any EventLoop
    let headers: (@Sendable (Int) -> [(String, String)])?
    let promise: EventLoopPromise<PacedHTTPLoad.Outcome>
    let total: Int
    let nanosecondsPerRequest: Double
    let baseHead: HTTPRequestHead
    private(set) var startedAt = NIODeadline.now()

    /// The next request not yet due.
    private var next = 0
    /// Due requests waiting for a connection, oldest first.
    private var waiting = CircularBuffer<Int>()
    private var idle: [PacedConnectionHandler] = []
    private var busy: [ObjectIdentifier: PacedConnectionHandler] = [:]
    /// Connections connecting or connected.
    private var open = 0
    private var successes: [PacedHTTPLoad.Success] = []
    private var failureReasons: [String: Int] = [:]
    private var ended = 0
    private var pacing: Scheduled<Void>?
    private var sweeper: RepeatedTask?
    private var finished = false

    init(load: PacedHTTPLoad, eventLoop: any EventLoop, headers: (@Sendable (Int) -> [(String, String)])?,
         promise: EventLoopPromise<PacedHTTPLoad.Outcome>) {
        self.load = load
        self.eventLoop = eventLoop
        self.headers = headers
        self.promise = promise
        total = load.total
        nanosecondsPerRequest = 1e9 / load.rate
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: load.target.path)
        head.headers.add(name: "host", value: load.target.hostHeader)
        head.headers.add(name: "user-agent", value: "tracelab-bench")
        baseHead = head
        successes.reserveCapacity(total)
    }

    func start() {
        eventLoop.assertInEventLoop()
        startedAt = .now()
        // Timeouts are checked by one sweep rather than a timer per request, which would be
        // scheduled and cancelled a thousand times a second.
        let sweepEvery = TimeAmount(max(load.timeout / 4, .milliseconds(1)))
        sweeper = eventLoop.scheduleRepeatedTask(initialDelay: sweepEvery, delay: sweepEvery) { _ in self.expireOverdue() }
        tick()
    }

    private func due(_ index: Int) -> NIODeadline {
        startedAt + .nanoseconds(Int64(Double(index) * nanosecondsPerRequest))
    }

    /// Queues every request that is due by now, hands them out, and sleeps until the next is due.
    private func tick() {
        let now = NIODeadline.now()
        while next < total, due(next) <= now {
            waiting.append(next)
            next += 1
        }
        dispatch()
        if next < total {
            pacing = eventLoop.scheduleTask(deadline: due(next)) { self.tick() }
        }
        finishIfDone()
    }

    private func dispatch() {
        while let index = waiting.first {
            if let connection = idle.popLast() {
                waiting.removeFirst()
                send(index, on: connection)
            } else if open < load.connections {
                waiting.removeFirst()
                open += 1
                connect(carrying: index)
            } else {
                return
            }
        }
    }

    private func send(_ index: Int, on connection: PacedConnectionHandler) {
        var head = baseHead
        if let headers {
            for (name, value) in headers(index) { head.headers.add(name: name, value: value) }
        }
        busy[ObjectIdentifier(connection)] = connection
        connection.send(PacedConnectionHandler.InFlight(index: index, due: due(index), sent: .now()), head: head)
    }

    private func connect(carrying index: Int) {
        let connection = PacedConnectionHandler(run: self)
        let target = load.target
        ClientBootstrap(group: eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount(load.timeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(connection)
                }
            }
            .connect(host: target.host, port: target.port)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    channel.closeFuture.whenComplete { _ in self.closed(connection) }
                    self.send(index, on: connection)
                case .failure(let error):
                    self.open -= 1
                    self.record(failure: "connect to \(target.hostHeader): \(error)")
                    self.dispatch()
                    self.finishIfDone()
                }
            }
    }

    /// A response ended: tally it and reuse or close its connection.
    func answered(_ request: PacedConnectionHandler.InFlight, status: UInt?, keepAlive: Bool, on connection: PacedConnectionHandler) {
        busy[ObjectIdentifier(connection)] = nil
        if let status, (200..<300).contains(status) {
            let nanoseconds = (NIODeadline.now() - request.due).nanoseconds
            successes.append(PacedHTTPLoad.Success(index: request.index, latencyMicroseconds: Double(nanoseconds) / 1000))
            ended += 1
        } else {
            record(failure: status.map { "status \($0)" } ?? "response without a status")
        }
        if keepAlive {
            idle.append(connection)
        } else {
            connection.close()
        }
        dispatch()
        finishIfDone()
    }

    /// The request on `connection` cannot be answered any more (closed, reset, malformed).
    func failed(_ request: PacedConnectionHandler.InFlight, reason: String, on connection: PacedConnectionHandler) {
        busy[ObjectIdentifier(connection)] = nil
        record(failure: reason)
        finishIfDone()
    }

    private func closed(_ connection: PacedConnectionHandler) {
        open -= 1
        busy[ObjectIdentifier(connection)] = nil
        idle.removeAll { $0 === connection }
        dispatch()
        finishIfDone()
    }

    private func record(failure reason: String) {
        failureReasons[reason, default: 0] += 1
        ended += 1
    }

    private func expireOverdue() {
        let limit = NIODeadline.now() - TimeAmount(load.timeout)
        for connection in busy.values where (connection.inFlight?.sent ?? .distantFuture) < limit {
            connection.timeOut()
        }
    }

    private func finishIfDone() {
        guard !finished, next == total, waiting.isEmpty, ended == total else { return }
        finished = true
        pacing?.cancel()
        sweeper?.cancel()
        for connection in idle { connection.close() }
        idle = []
        let elapsed = NIODeadline.now() - startedAt
        promise.succeed(PacedHTTPLoad.Outcome(successes: successes, failureReasons: failureReasons,
                                              elapsedSeconds: Double(elapsed.nanoseconds) / 1e9))
    }
}
