import LabModel
import Zipkin

/// Everything a run produced that the assertions judge: the driver's requests, the traces
/// read back (grouped per request), the analysis' judgements and what never arrived.
public struct ScenarioObservation: Sendable {
    public var requests: [RecordedRequest]
    /// Every trace attributed to the run, by trace id (lower hex).
    public var traces: [String: [ZipkinSpan]]
    /// The analysis' judgement of each trace, when available.
    public var judgements: [String: TraceJudgement]
    /// Request index → the ids of the traces its spans landed in.
    public var requestTraces: [Int: [String]]
    /// Requests whose expected spans had not all arrived at the deadline.
    public var missing: [MissingSpans]
    /// Deltas of the sidecars' `/stats` counters over the run, when the lab's admin APIs are known.
    public var sidecarCounters: [SidecarCounterExpectation.Counter: Double]?

    public init(requests: [RecordedRequest], traces: [String: [ZipkinSpan]], judgements: [String: TraceJudgement] = [:],
                requestTraces: [Int: [String]], missing: [MissingSpans] = [], sidecarCounters: [SidecarCounterExpectation.Counter: Double]? = nil) {
        self.requests = requests
        self.traces = traces
        self.judgements = judgements
        self.requestTraces = requestTraces
        self.missing = missing
        self.sidecarCounters = sidecarCounters
    }

    /// Groups `traces` by request (x-request-id tags and known trace ids) into an observation.
    public init(requests: [RecordedRequest], traces: [[ZipkinSpan]], judgements: [String: TraceJudgement] = [:],
                missing: [MissingSpans] = [], sidecarCounters: [SidecarCounterExpectation.Counter: Double]? = nil) {
        var byID: [String: [ZipkinSpan]] = [:]
        for trace in traces {
            for span in trace { byID[TraceIDText.normalised(span.traceID.hex), default: []].append(span) }
        }
        self.init(requests: requests, traces: byID, judgements: judgements,
                  requestTraces: RequestAttribution.attribute(requests: requests, traces: byID),
                  missing: missing, sidecarCounters: sidecarCounters)
    }

    /// All spans of request `index`, across its traces.
    public func spans(ofRequest index: Int) -> [ZipkinSpan] {
        (requestTraces[index] ?? []).flatMap { traces[$0] ?? [] }
    }

    /// Requests with at least one span recorded.
    public var recordedRequestIndices: [Int] {
        requests.map(\.index).filter { !(requestTraces[$0] ?? []).isEmpty }
    }

    /// Traces started by a driven request: those holding a SERVER span of the entry service.
    /// Only traces attributed to this run's requests count.
    public func entryTraces(lab: LabName) -> [String] {
        let entry = LabTopology.entryService(of: lab).rawValue
        let attributed = Set(requestTraces.values.flatMap { $0 })
        return traces.filter { id, spans in attributed.contains(id) && spans.contains { $0.kind == .server && $0.localServiceName == entry } }
            .keys.sorted()
    }
}

/// Expected spans that never arrived for one request.
public struct MissingSpans: Hashable, Sendable, Codable {
    public var requestIndex: Int
    public var requestID: String?
    public var traceIDs: [String]
    public var missing: [String]
    public init(requestIndex: Int, requestID: String?, traceIDs: [String], missing: [String]) {
        self.requestIndex = requestIndex
        self.requestID = requestID
        self.traceIDs = traceIDs
        self.missing = missing
    }
}

/// Which traces belong to which request: by the `guid:x-request-id` tag of their spans and by
/// the trace id the driver sent or got back. A trace split by a broken hop keeps the request
/// id (drop-b3), a trace whose request id changed keeps the trace id (drop-request-id), so
/// either key is enough to find all the pieces.
public enum RequestAttribution {
    public static func attribute(requests: [RecordedRequest], traces: [String: [ZipkinSpan]]) -> [Int: [String]] {
        var byRequestID: [String: Int] = [:]
        var byTraceID: [String: Int] = [:]
        for request in requests {
            if let id = request.requestID { byRequestID[id] = request.index }
            if let trace = request.traceID { byTraceID[TraceIDText.normalised(trace)] = request.index }
        }
        var result: [Int: [String]] = [:]
        for (traceID, spans) in traces.sorted(by: { $0.key < $1.key }) {
            var owners: Set<Int> = []
            if let owner = byTraceID[traceID] { owners.insert(owner) }
            for span in spans {
                if let id = span.tags[HopObservation.requestIDTag], let owner = byRequestID[id] { owners.insert(owner) }
            }
            for owner in owners { result[owner, default: []].append(traceID) }
        }
        return result
    }
}

/// Trace ids compare as Zipkin stores them: lower hex, 64-bit ids without padding to 128.
public enum TraceIDText {
    public static func normalised(_ text: String) -> String {
        let lower = text.lowercased()
        if lower.count == 32, lower.hasPrefix("0000000000000000") { return String(lower.dropFirst(16)) }
        return lower
    }
}
