import Zipkin

/// The working state of one analysis: the tree, the corrected times and the findings so far.
/// Each check lives in its own `TraceInspection+….swift` extension.
struct TraceInspection {
    let options: TraceAnalysisOptions
    let input: [ZipkinSpan]
    let tree: TraceTree
    var spans: [ZipkinSpan] { tree.spans }
    var findings: [TraceFinding] = []
    /// Skew-corrected start of each span.
    var starts: [UInt64?] = []
    var skew = ClockSkewCorrector.Result(offsets: [], estimates: [], adjustedSpans: [], references: [])
    /// Per CLIENT span: a SERVER (or a further answered CLIENT) lies below it.
    var answered: [Bool] = []

    init(spans: [ZipkinSpan], options: TraceAnalysisOptions) {
        self.options = options
        self.input = spans
        self.tree = TraceTree(spans)
    }

    func verdict() -> TraceVerdict {
        var inspection = self
        return inspection.run()
    }

    /// Runs every check; the inspection keeps its state (the set analysis reads it after).
    mutating func run() -> TraceVerdict {
        guard !spans.isEmpty else {
            let finding = TraceFinding(
                kind: .empty, severity: .error,
                cause: "The trace has no spans: nothing was reported for it (not sampled, or the spans have not arrived yet).",
                code: .noSpans
            )
            return TraceVerdict(traceID: "", complete: false, spanCount: 0, findings: [finding])
        }
        let correction = ClockSkewCorrector(tolerance: options.clockSkewToleranceMicroseconds).correct(tree)
        skew = correction
        starts = spans.indices.map { index in
            guard let timestamp = spans[index].timestamp else { return nil }
            return Int64.shift(timestamp, by: correction.offsets[index])
        }

        let traceID = checkTraceIDs()
        checkRoots()
        checkOrphansAndCycles()
        checkDuplicates()
        let hops = checkPairing()
        checkRequestIDs()
        checkSampling()
        checkExpectations(hops: hops)
        reportSkew()

        let finder = CriticalPathFinder(tree: tree, starts: starts)
        let tops = tree.roots + tree.orphans + tree.cycleBreaks
        let main = tops.max { lhs, rhs in
            let left = finder.intervals[lhs].map { $0.end - $0.start } ?? 0
            let right = finder.intervals[rhs].map { $0.end - $0.start } ?? 0
            return left != right ? left < right : lhs > rhs
        }
        let criticalPath = main.map { finder.find(from: $0) } ?? CriticalPath()

        let ordered = findings.enumerated().sorted { lhs, rhs in
            lhs.element.severity != rhs.element.severity ? lhs.element.severity < rhs.element.severity : lhs.offset < rhs.offset
        }.map(\.element)

        var firstStart: UInt64?
        var lastEnd: UInt64?
        for index in spans.indices {
            guard let start = starts[index] else { continue }
            let end = ZipkinSpanTime.end(start, spans[index].duration)
            firstStart = min(firstStart ?? start, start)
            lastEnd = max(lastEnd ?? end, end)
        }

        let adjustments = spans.indices.compactMap { index -> SpanTimeAdjustment? in
            guard correction.offsets[index] != 0, let timestamp = spans[index].timestamp, let start = starts[index] else { return nil }
            let span = spans[index]
            return SpanTimeAdjustment(
                spanID: span.id.hex, kind: span.kindLabel, service: span.nodeLabel,
                timestamp: timestamp, adjustedTimestamp: start
            )
        }

        return TraceVerdict(
            traceID: traceID,
            complete: !ordered.contains { $0.severity == .error },
            spanCount: spans.count,
            findings: ordered,
            rootSpanIDs: tree.roots.map { spans[$0].id.hex },
            services: Set(spans.compactMap(\.localServiceName)).sorted(),
            requestIDs: Set(spans.compactMap(\.requestID)).sorted(),
            startTimestamp: firstStart,
            durationMicroseconds: (lastEnd ?? 0) - (firstStart ?? 0),
            hops: hops,
            criticalPath: criticalPath,
            selfTime: finder.selfTimes(),
            clockSkew: correction.estimates,
            adjustedSpans: adjustments
        )
    }

    mutating func add(_ finding: TraceFinding) {
        findings.append(finding)
    }

    /// Lower-hex ids of spans, without repeats, in trace order.
    func ids(_ indices: [Int]) -> [String] {
        var seen = Set<String>()
        return indices.sorted().map { spans[$0].id.hex }.filter { seen.insert($0).inserted }
    }

    /// The hop a span sits at: a CLIENT names its own call, a span under a CLIENT names the
    /// call that reached it, anything else names the step from its parent.
    func hopLabel(at index: Int) -> String {
        let span = spans[index]
        if span.kind == .client { return "\(span.nodeLabel) -> \(callee(ofClient: index))" }
        if let parent = tree.parents[index] {
            let parentSpan = spans[parent]
            if parentSpan.kind == .client { return "\(parentSpan.nodeLabel) -> \(span.serviceLabel)" }
            return "\(parentSpan.nodeLabel) -> \(span.nodeLabel)"
        }
        return "? -> \(span.serviceLabel)"
    }

    /// The service a CLIENT span called: its SERVER child's, else its remote service.
    func callee(ofClient index: Int) -> String {
        if let server = serverChild(of: index) { return spans[server].serviceLabel }
        return spans[index].calleeGuess
    }

    func serverChild(of index: Int) -> Int? {
        let span = spans[index]
        return tree.children[index].first { spans[$0].kind == .server }
            ?? tree.children[index].first { spans[$0].localServiceName != span.localServiceName && spans[$0].kind != .client }
    }
}
