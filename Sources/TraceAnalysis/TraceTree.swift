import TraceContext
import Zipkin

/// The parent/child structure of one trace's spans, built like openzipkin's `SpanNode`.
///
/// Spans may come in any order. Exact duplicates (a batch reported twice) are dropped. A B3
/// shared hop is two spans with one id: the SERVER span (`shared: true`) becomes the child of
/// the CLIENT span with its id, and a span whose `parentId` names such an id hangs from the
/// side of the same service, else the SERVER side (the callee, where the app's work
/// happens). W3C hops have distinct ids and need nothing special. Loops in parent links are
/// cut at one span so every span is reachable from a root or an orphan.
public struct TraceTree: Sendable {
    /// Distinct spans, sorted by start time (then id, kind, service) so every result is the
    /// same whatever order the spans arrived in.
    public let spans: [ZipkinSpan]
    /// Index of each span's parent in `spans`.
    public let parents: [Int?]
    /// Children of each span, sorted like `spans`.
    public let children: [[Int]]
    /// Spans without `parentId` (and not the SERVER side of a shared hop).
    public let roots: [Int]
    /// Spans whose `parentId` is not in the trace.
    public let orphans: [Int]
    /// Spans whose parent link was cut because it closed a loop.
    public let cycleBreaks: [Int]
    /// Exact duplicates that were dropped.
    public let droppedDuplicates: Int

    public init(_ input: [ZipkinSpan]) {
        var seen = Set<ZipkinSpan>()
        seen.reserveCapacity(input.count)
        var unique: [ZipkinSpan] = []
        unique.reserveCapacity(input.count)
        for span in input where seen.insert(span).inserted { unique.append(span) }
        droppedDuplicates = input.count - unique.count
        // Sort indices, not spans: moving whole spans around dominated the analysis of large traces.
        let keys = unique.map { (timestamp: $0.timestamp ?? 0, id: $0.id.value, kind: TraceTree.kindRank($0.kind)) }
        let order = unique.indices.sorted { a, b in
            let left = keys[a]
            let right = keys[b]
            if left != right { return left < right }
            return TraceTree.precedes(unique[a], unique[b])
        }
        unique = order.map { unique[$0] }
        spans = unique

        var byID: [SpanID: [Int]] = [:]
        byID.reserveCapacity(unique.count)
        for (index, span) in unique.enumerated() { byID[span.id, default: []].append(index) }

        var parents = [Int?](repeating: nil, count: unique.count)
        var roots: [Int] = []
        var orphans: [Int] = []
        for (index, span) in unique.enumerated() {
            if let client = TraceTree.sharedClient(of: index, in: unique, byID: byID) {
                parents[index] = client
            } else if let parentID = span.parentID {
                let candidates = (byID[parentID] ?? []).filter { $0 != index }
                if let parent = TraceTree.choose(candidates, for: span, in: unique) {
                    parents[index] = parent
                } else {
                    orphans.append(index)
                }
            } else {
                roots.append(index)
            }
        }

        // Cut loops: anything not reachable from a root or an orphan hangs in a cycle.
        var children = [[Int]](repeating: [], count: unique.count)
        for (index, parent) in parents.enumerated() {
            if let parent { children[parent].append(index) }
        }
        var reached = [Bool](repeating: false, count: unique.count)
        func mark(_ start: Int) {
            var stack = [start]
            while let next = stack.popLast() {
                if reached[next] { continue }
                reached[next] = true
                stack.append(contentsOf: children[next])
            }
        }
        for start in roots + orphans { mark(start) }
        var cycleBreaks: [Int] = []
        for index in unique.indices where !reached[index] {
            // Walk up until a span repeats: that span is on the loop; cut its parent link.
            var onPath = Set<Int>()
            var current = index
            while let parent = parents[current], !onPath.contains(current), !reached[current] {
                onPath.insert(current)
                current = parent
            }
            if reached[current] { continue }
            if let parent = parents[current], let position = children[parent].firstIndex(of: current) {
                children[parent].remove(at: position)
            }
            parents[current] = nil
            cycleBreaks.append(current)
            mark(current)
        }
        // Indices follow the sorted span order, so sorting children by index sorts them by time.
        for index in children.indices { children[index].sort() }
        self.parents = parents
        self.children = children
        self.roots = roots
        self.orphans = orphans
        self.cycleBreaks = cycleBreaks
    }

    /// The CLIENT span whose id a SERVER span shares, if any.
    private static func sharedClient(of index: Int, in spans: [ZipkinSpan], byID: [SpanID: [Int]]) -> Int? {
        let span = spans[index]
        guard span.kind == .server || span.shared else { return nil }
        return byID[span.id]?.first { $0 != index && spans[$0].kind == .client }
    }

    /// Which of the spans carrying a `parentId` is the parent: one of the same service,
    /// else the SERVER (callee) side of a shared pair, else any span that is not a CLIENT.
    private static func choose(_ candidates: [Int], for span: ZipkinSpan, in spans: [ZipkinSpan]) -> Int? {
        guard candidates.count > 1 else { return candidates.first }
        if let service = span.localServiceName,
           let sameService = candidates.first(where: { spans[$0].localServiceName == service }) {
            return sameService
        }
        if let server = candidates.first(where: { spans[$0].kind == .server }) { return server }
        return candidates.first { spans[$0].kind != .client } ?? candidates.first
    }

    static func precedes(_ a: ZipkinSpan, _ b: ZipkinSpan) -> Bool {
        if a.timestamp != b.timestamp { return (a.timestamp ?? 0) < (b.timestamp ?? 0) }
        if a.id != b.id { return a.id < b.id }
        if a.kind != b.kind { return TraceTree.kindRank(a.kind) < TraceTree.kindRank(b.kind) }
        if a.localServiceName != b.localServiceName { return (a.localServiceName ?? "") < (b.localServiceName ?? "") }
        if a.parentID != b.parentID { return (a.parentID?.value ?? 0) < (b.parentID?.value ?? 0) }
        if a.duration != b.duration { return (a.duration ?? 0) < (b.duration ?? 0) }
        if a.name != b.name { return (a.name ?? "") < (b.name ?? "") }
        if a.traceID != b.traceID { return a.traceID < b.traceID }
        // Distinct spans alike in all the above are rare; order them by content so the result
        // never depends on arrival order.
        return TraceTree.fingerprint(a) < TraceTree.fingerprint(b)
    }

    private static func fingerprint(_ span: ZipkinSpan) -> String {
        let tags = span.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1}")
        let annotations = span.annotations.map { "\($0.timestamp):\($0.value)" }.joined(separator: "\u{1}")
        return "\(span.debug)\(span.shared)|\(span.remoteEndpoint.map { "\($0)" } ?? "")|\(span.localEndpoint.map { "\($0)" } ?? "")|\(tags)|\(annotations)"
    }

    // A CLIENT sorts before the SERVER sharing its id and start, so the caller prints first.
    private static func kindRank(_ kind: ZipkinSpan.Kind?) -> Int {
        switch kind {
        case .client: 0
        case .producer: 1
        case .server: 2
        case .consumer: 3
        case nil: 4
        }
    }

    /// Span indices depth first (pre-order), roots and orphans in time order: parents always
    /// come before their children. Iterative, so a 10 k-deep chain cannot overflow the stack.
    public func depthFirst() -> [Int] {
        var order: [Int] = []
        order.reserveCapacity(spans.count)
        var stack = (roots + orphans + cycleBreaks).sorted().reversed().map { $0 }
        while let next = stack.popLast() {
            order.append(next)
            stack.append(contentsOf: children[next].reversed())
        }
        return order
    }

    /// Depth of each span below its root (a root or orphan is 0).
    public func depths() -> [Int] {
        var depths = [Int](repeating: 0, count: spans.count)
        for index in depthFirst() {
            if let parent = parents[index] { depths[index] = depths[parent] + 1 }
        }
        return depths
    }
}
