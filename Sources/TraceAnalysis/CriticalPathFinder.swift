import Zipkin

/// Finds the critical path with Jaeger's algorithm: from the end of the root, walk back
/// through the child that finished last before the current point, descend into it, and on
/// its start return to the parent to look for the child that finished before that.
///
/// Children are first clipped to their parent's (clipped) time, so a skewed or async child
/// cannot stretch the path beyond the root. Each child is entered once and each parent's
/// children are scanned with a cursor (boundaries only move back in time), so the walk is
/// O(n log n) even for a root with 10 k children.
struct CriticalPathFinder {
    let tree: TraceTree
    /// Clipped [start, end] per span, nil when the span has no time or lies outside its parent.
    let intervals: [(start: UInt64, end: UInt64)?]

    init(tree: TraceTree, starts: [UInt64?]) {
        self.tree = tree
        var intervals = [(start: UInt64, end: UInt64)?](repeating: nil, count: tree.spans.count)
        for index in tree.depthFirst() {
            guard let start = starts[index] else { continue }
            let end = ZipkinSpanTime.end(start, tree.spans[index].duration)
            if let parent = tree.parents[index] {
                guard let bounds = intervals[parent] else { continue }
                let clippedStart = max(start, bounds.start)
                let clippedEnd = min(end, bounds.end)
                if clippedStart > clippedEnd { continue }
                intervals[index] = (clippedStart, clippedEnd)
            } else {
                intervals[index] = (start, end)
            }
        }
        self.intervals = intervals
    }

    func find(from root: Int) -> CriticalPath {
        guard intervals[root] != nil else { return CriticalPath() }
        // Children by end time, latest first; the cursor skips those already used or too late.
        var sortedChildren: [Int: [Int]] = [:]
        var cursors: [Int: Int] = [:]
        var segments: [(span: Int, start: UInt64, end: UInt64)] = []

        var current = root
        var boundary: UInt64? = nil
        while true {
            guard let interval = intervals[current] else { break }
            let end = boundary ?? interval.end
            if sortedChildren[current] == nil {
                sortedChildren[current] = tree.children[current]
                    .filter { intervals[$0] != nil }
                    .sorted { (intervals[$0]?.end ?? 0, intervals[$0]?.start ?? 0) > (intervals[$1]?.end ?? 0, intervals[$1]?.start ?? 0) }
            }
            let candidates = sortedChildren[current] ?? []
            var cursor = cursors[current] ?? 0
            while cursor < candidates.count, let childInterval = intervals[candidates[cursor]], childInterval.end > end {
                cursor += 1
            }
            if cursor < candidates.count, let childInterval = intervals[candidates[cursor]] {
                let child = candidates[cursor]
                cursors[current] = cursor + 1
                if childInterval.end < end { segments.append((current, childInterval.end, end)) }
                current = child
                boundary = nil
            } else {
                cursors[current] = cursor
                if interval.start < end || segments.isEmpty { segments.append((current, interval.start, end)) }
                if current == root { break }
                guard let parent = tree.parents[current] else { break }
                boundary = interval.start
                current = parent
            }
        }

        segments.reverse()
        // A shared CLIENT/SERVER pair has one id: listed once.
        var seen = Set<String>()
        var spanIDs: [String] = []
        var total: UInt64 = 0
        var result: [CriticalPath.Segment] = []
        for segment in segments {
            let span = tree.spans[segment.span]
            if seen.insert(span.id.hex).inserted { spanIDs.append(span.id.hex) }
            total = total.plus(segment.end - segment.start)
            result.append(CriticalPath.Segment(
                spanID: span.id.hex, kind: span.kindLabel, service: span.nodeLabel, name: span.name,
                start: segment.start, end: segment.end
            ))
        }
        return CriticalPath(spanIDs: spanIDs, durationMicroseconds: total, segments: result)
    }

    /// Per `node_id`/service: each span's duration minus the union of its children's clipped
    /// time, so waiting on a callee is not counted as the caller's work.
    func selfTimes() -> [ServiceSelfTime] {
        var totals: [String: (time: UInt64, count: Int)] = [:]
        for index in tree.spans.indices {
            guard let interval = intervals[index] else { continue }
            let childIntervals = tree.children[index].compactMap { intervals[$0] }.sorted { $0.start < $1.start }
            // Length of the union of the children's intervals (they may overlap: parallel calls).
            var covered: UInt64 = 0
            var run: (start: UInt64, end: UInt64)? = nil
            for child in childIntervals {
                if let current = run, child.start <= current.end {
                    run = (current.start, max(current.end, child.end))
                } else {
                    if let current = run { covered += current.end - current.start }
                    run = child
                }
            }
            if let current = run { covered += current.end - current.start }
            let own = (interval.end - interval.start) - min(covered, interval.end - interval.start)
            let label = tree.spans[index].nodeLabel
            let previous = totals[label] ?? (0, 0)
            totals[label] = (previous.time.plus(own), previous.count + 1)
        }
        return totals.map { ServiceSelfTime(service: $0.key, selfMicroseconds: $0.value.time, spanCount: $0.value.count) }
            .sorted { ($0.selfMicroseconds, $1.service) > ($1.selfMicroseconds, $0.service) }
    }
}
