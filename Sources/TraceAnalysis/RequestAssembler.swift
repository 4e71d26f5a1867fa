/// Groups traces judged together into requests (`RequestVerdict`): the traces connected by
/// links are one request; an ambiguous link makes its fragment a *possible* part of each
/// candidate's request and each candidate a possible part of the fragment's.
///
/// Pure and cheap: the traces are joined once (union-find), each request is then assembled
/// from its own members only.
struct RequestAssembler {
    /// A trace's first span, as the request view names its fragments.
    struct Root {
        var kind: String?
        /// `node_id`, else service.
        var service: String?
    }

    let verdicts: [TraceVerdict]
    let roots: [Root]
    let links: [TraceLink]
    let ambiguousLinks: [AmbiguousTraceLink]
    private let indexByID: [String: Int]
    private var parent: [Int]

    /// `roots[i]` describes the root of `verdicts[i]`.
    init(verdicts: [TraceVerdict], roots: [Root], links: [TraceLink], ambiguousLinks: [AmbiguousTraceLink]) {
        precondition(roots.count == verdicts.count, "one root per verdict")
        self.verdicts = verdicts
        self.roots = roots
        self.links = links
        self.ambiguousLinks = ambiguousLinks
        var indexByID: [String: Int] = [:]
        for (index, verdict) in verdicts.enumerated() where indexByID[verdict.traceID] == nil {
            indexByID[verdict.traceID] = index
        }
        self.indexByID = indexByID
        parent = Array(verdicts.indices)
        for link in links {
            guard let from = indexByID[link.fromTraceID], let to = indexByID[link.toTraceID] else { continue }
            union(from, to)
        }
    }

    /// The component of a trace (its representative index).
    func component(of index: Int) -> Int {
        var current = index
        while parent[current] != current { current = parent[current] }
        return current
    }

    func index(of traceID: String) -> Int? { indexByID[traceID] }

    /// The request of the given traces: everything connected to any of them.
    func request(containing seeds: [Int]) -> RequestVerdict {
        let components = Set(seeds.map(component(of:)))
        let members = verdicts.indices.filter { components.contains(component(of: $0)) }
        let memberIDs = Set(members.map { verdicts[$0].traceID })
        let inner = links.filter { memberIDs.contains($0.fromTraceID) && memberIDs.contains($0.toTraceID) }
        let touching = ambiguousLinks.filter { link in
            memberIDs.contains(link.toTraceID) || link.candidates.contains { memberIDs.contains($0.traceID) }
        }
        let entered = Set(inner.map(\.toTraceID)).union(touching.map(\.toTraceID))
        let ordered = members.sorted { lhs, rhs in
            let left = verdicts[lhs], right = verdicts[rhs]
            let leftEntry = !entered.contains(left.traceID), rightEntry = !entered.contains(right.traceID)
            if leftEntry != rightEntry { return leftEntry }
            if left.startTimestamp != right.startTimestamp { return (left.startTimestamp ?? .max) < (right.startTimestamp ?? .max) }
            return left.traceID < right.traceID
        }
        var possibleIDs: [String] = []
        // A fragment's possible callers, or a caller's possible fragment; never a fellow candidate.
        for link in touching {
            let others = memberIDs.contains(link.toTraceID) ? link.candidates.map(\.traceID) : [link.toTraceID]
            for id in others where !memberIDs.contains(id) && !possibleIDs.contains(id) {
                possibleIDs.append(id)
            }
        }
        let fragments = ordered.map { fragment($0, entry: !entered.contains(verdicts[$0].traceID), possible: false) }
            + possibleIDs.compactMap { id in indexByID[id].map { fragment($0, entry: false, possible: true) } }

        let starts = Dictionary(fragments.map { ($0.traceID, $0.startTimestamp ?? .max) }, uniquingKeysWith: { first, _ in first })
        let breaks = (inner.map(Self.definiteBreak) + touching.map(Self.ambiguousBreak)).sorted { lhs, rhs in
            let left = starts[lhs.toTraceID] ?? .max, right = starts[rhs.toTraceID] ?? .max
            return left != right ? left < right : (lhs.toTraceID, lhs.toSpanID) < (rhs.toTraceID, rhs.toSpanID)
        }
        let complete = members.allSatisfy { verdicts[$0].complete } && touching.isEmpty
        let requestIDs = Set(members.flatMap { verdicts[$0].requestIDs }).sorted()
        let entryRequestID = fragments.first { $0.entry }?.requestIDs.first ?? fragments.first?.requestIDs.first
        return RequestVerdict(
            complete: complete, requestID: entryRequestID, requestIDs: requestIDs,
            traceIDs: ordered.map { verdicts[$0].traceID }, fragments: fragments, breaks: breaks,
            ambiguous: !touching.isEmpty,
            summary: Self.summary(traceCount: members.count, complete: complete, breaks: breaks, possible: possibleIDs.count)
        )
    }

    private mutating func union(_ lhs: Int, _ rhs: Int) {
        let left = component(of: lhs), right = component(of: rhs)
        if left != right { parent[max(left, right)] = min(left, right) }
    }

    private func fragment(_ index: Int, entry: Bool, possible: Bool) -> RequestVerdict.Fragment {
        let verdict = verdicts[index]
        return RequestVerdict.Fragment(
            traceID: verdict.traceID, complete: verdict.complete, rootSpanID: verdict.rootSpanIDs.first,
            rootService: roots[index].service, rootKind: roots[index].kind,
            startTimestamp: verdict.startTimestamp, durationMicroseconds: verdict.durationMicroseconds, spanCount: verdict.spanCount,
            requestIDs: verdict.requestIDs, entry: entry, possible: possible
        )
    }

    private static func definiteBreak(_ link: TraceLink) -> RequestVerdict.Break {
        RequestVerdict.Break(
            hop: link.hop, code: link.code, cause: link.cause, matchedBy: link.requestID == nil ? .time : .requestID,
            requestID: link.requestID, fromTraceID: link.fromTraceID, fromSpanID: link.fromSpanID,
            toTraceID: link.toTraceID, toSpanID: link.toSpanID
        )
    }

    private static func ambiguousBreak(_ link: AmbiguousTraceLink) -> RequestVerdict.Break {
        RequestVerdict.Break(
            hop: link.hop, code: link.code, cause: link.cause, matchedBy: .time, requestID: nil,
            fromTraceID: nil, fromSpanID: nil, toTraceID: link.toTraceID, toSpanID: link.toSpanID,
            ambiguous: true, candidates: link.candidates
        )
    }

    private static func summary(traceCount: Int, complete: Bool, breaks: [RequestVerdict.Break], possible: Int) -> String {
        if breaks.isEmpty {
            return complete
                ? "The request is this one trace: no hop lost its context."
                : "The request is this one trace; no hop lost its context to another trace, but the trace itself is broken."
        }
        let hops = breaks.map { "\($0.hop) (\($0.code.rawValue))" }
        var seen = Set<String>()
        let unique = hops.filter { seen.insert($0).inserted }.joined(separator: ", ")
        if traceCount == 1 && possible > 0 {
            return "The context was lost at \(unique), and the other side was matched by time only while several requests were running, so \(possible) trace\(possible == 1 ? " is" : "s are") listed as possibly part of this request."
        }
        var text = "The request left \(traceCount) trace\(traceCount == 1 ? "" : "s"): its context was lost at \(unique)."
        if possible > 0 {
            text += " A break was matched by time only while several requests were running, so \(possible) trace\(possible == 1 ? " is" : "s are") listed as possibly part of this request."
        }
        return text
    }
}
