import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ScenarioModel
import TraceContext

/// Sends a scenario's traffic to the lab's entry sidecar: a fixed number of requests or a
/// duration at a fixed rate, over `concurrency` workers, with the scenario's extra headers and
/// optionally a fresh trace context per request. Records for each request its x-request-id,
/// trace id (sent, or read back from the response), status and latency.
///
/// A failed request is recorded, never thrown: the assertions judge it.
public struct TrafficDriver: Sendable {
    public let httpClient: HTTPClient
    /// `http://127.0.0.1:9080`, without a path.
    public let entryURL: String
    public let plan: TrafficPlan
    public let seed: UInt64
    public let requestTimeout: Duration
    public let logger: Logger

    public init(httpClient: HTTPClient, entryURL: String, plan: TrafficPlan, seed: UInt64, requestTimeout: Duration = .seconds(30),
                logger: Logger = Logger(label: "tracelab.traffic")) {
        self.httpClient = httpClient
        self.entryURL = entryURL.hasSuffix("/") ? String(entryURL.dropLast()) : entryURL
        self.plan = plan
        self.seed = seed
        self.requestTimeout = requestTimeout
        self.logger = logger
    }

    /// The headers of request `index`: deterministic for a seed.
    public func headers(forRequest index: Int) -> (headers: HeaderFields, traceID: String?, requestID: String?) {
        var generator = SeededGenerator(seed: seed &+ UInt64(index) &* 0x1000_0000_01B3)
        var headers = HeaderFields()
        for (name, value) in plan.headers.sorted(by: { $0.key < $1.key }) {
            headers.set(value, forLowercasedName: name)
        }
        var requestID = headers.firstValue(forLowercasedName: TraceHeaders.requestID)
        if requestID == nil {
            let generated = RequestID.random(using: &generator).value
            headers.set(generated, forLowercasedName: TraceHeaders.requestID)
            requestID = generated
        }
        var traceID: String?
        if let injection = plan.context {
            let sampling: SamplingState = switch injection.sampling {
            case .sampled: .sampled
            case .unsampled: .notSampled
            case .debug: .debug
            case .deferred: .deferred
            }
            let context = SpanContext(traceID: TraceID.random(is128Bit: injection.format == .w3c, using: &generator),
                                      spanID: SpanID.random(using: &generator), sampling: sampling)
            TraceContextPropagation.inject(context, format: injection.format, into: &headers)
            traceID = context.traceID.hex
        }
        return (headers, traceID, requestID)
    }

    /// Runs the traffic; `progress` is told after every request.
    public func run(progress: ProgressReporter) async -> [RecordedRequest] {
        let clock = ContinuousClock()
        let began = clock.now
        let counter = RequestCounter(plan: plan, began: began)
        progress.start(total: plan.fixedRequestCount)
        let records = await withTaskGroup(of: [RecordedRequest].self) { group in
            for _ in 0..<plan.concurrency {
                group.addTask {
                    var mine: [RecordedRequest] = []
                    while let index = await counter.next(now: clock.now) {
                        if let rate = plan.rate {
                            let due = began.advanced(by: .microseconds(Int64(Double(index) / rate * 1_000_000)))
                            if due > clock.now { try? await Task.sleep(until: due, clock: clock) }
                        }
                        let record = await send(index: index)
                        mine.append(record)
                        progress.advance(record: record)
                    }
                    return mine
                }
            }
            var all: [RecordedRequest] = []
            for await part in group { all += part }
            return all
        }
        progress.finish()
        return records.sorted { $0.index < $1.index }
    }

    func send(index: Int) async -> RecordedRequest {
        let (headers, sentTraceID, requestID) = headers(forRequest: index)
        var request = HTTPClientRequest(url: entryURL + plan.path)
        request.method = HTTPMethod(rawValue: plan.method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let startMicros = UInt64(max(0, Date().timeIntervalSince1970 * 1_000_000))
        let clock = ContinuousClock()
        let started = clock.now
        var record = RecordedRequest(index: index, requestID: requestID, traceID: sentTraceID, startMicros: startMicros, debug: isDebug(headers))
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(requestTimeout))
            _ = try await response.body.collect(upTo: 16 << 20)
            record.status = Int(response.status.code)
            if record.traceID == nil { record.traceID = Self.traceID(in: response.headers) }
        } catch {
            record.failure = "\(error)"
            logger.debug("request failed", metadata: ["index": "\(index)", "error": "\(error)"])
        }
        record.latencyMicros = UInt64(max(0, (clock.now - started).microseconds))
        return record
    }

    func isDebug(_ headers: HeaderFields) -> Bool {
        if headers.firstValue(forLowercasedName: TraceHeaders.b3Flags) == "1" { return true }
        if let single = headers.firstValue(forLowercasedName: TraceHeaders.b3) {
            return single == "d" || single.split(separator: "-").dropFirst(2).first == "d"
        }
        return false
    }

    /// A trace id the entry sidecar echoed (B3 or W3C), when it does.
    static func traceID(in headers: HTTPHeaders) -> String? {
        if let id = headers.first(name: TraceHeaders.b3TraceID), !id.isEmpty { return id.lowercased() }
        if let single = headers.first(name: TraceHeaders.b3), let first = single.split(separator: "-").first, first.count >= 16 {
            return first.lowercased()
        }
        if let parent = headers.first(name: TraceHeaders.traceparent) {
            let fields = parent.split(separator: "-")
            if fields.count >= 2, fields[1].count == 32 { return fields[1].lowercased() }
        }
        return nil
    }
}

/// Hands out request indices to the workers until the count or the duration is used up.
actor RequestCounter {
    let plan: TrafficPlan
    let began: ContinuousClock.Instant
    var issued = 0

    init(plan: TrafficPlan, began: ContinuousClock.Instant) {
        self.plan = plan
        self.began = began
    }

    func next(now: ContinuousClock.Instant) -> Int? {
        switch plan.amount {
        case .requests(let count):
            guard issued < count else { return nil }
        case .duration(let duration):
            // With a rate the request's due time decides; without one, the wall clock does.
            if let rate = plan.rate {
                guard Double(issued) / rate < Double(duration.microseconds) / 1_000_000 else { return nil }
            } else if now - began >= duration {
                return nil
            }
        }
        defer { issued += 1 }
        return issued
    }
}
