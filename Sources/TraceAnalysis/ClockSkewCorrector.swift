import Zipkin

/// Estimates per-service clock offsets and the times they imply, like openzipkin's
/// `CorrectForClockSkew`, but naming the one clock that is off rather than everything below it.
///
/// Clock domain: a span's `node_id`, else its service (a sidecar and its app share a host).
/// For the first parent → child edge into each domain, the child is measured against its
/// parent on the raw times: one lying outside the parent by more than the tolerance is centred
/// in it (the difference of the two durations is split evenly between request and response
/// network time; a child longer than its parent has its start aligned). A child that starts
/// within its parent but runs longer is not skew: its caller gave up (a timeout) and the callee
/// carried on. Summing these relative offsets down the tree gives each domain's offset relative
/// to the root's clock.
///
/// Only relative offsets can be known, so the reference is the clock most domains agree on:
/// if the root's own clock is the odd one out (all its callees look shifted alike), the root
/// is named, not every callee; if a service in the middle is off, its callees (whose clocks are
/// right) are not flagged with it. Every span of a domain moves by the domain's offset.
struct ClockSkewCorrector {
    struct Result {
        /// µs to add to each span's timestamp.
        var offsets: [Int64]
        var estimates: [ClockSkewEstimate]
        /// For each estimate (same order), the spans that were moved.
        var adjustedSpans: [[Int]]
        /// For each estimate, the domain it was compared with.
        var references: [String]
    }

    var tolerance: UInt64

    static func domain(_ span: ZipkinSpan) -> String { span.nodeLabel }

    func correct(_ tree: TraceTree) -> Result {
        let spans = tree.spans
        let domains = spans.map(Self.domain)
        // Offset of each domain relative to the clock of the tree's first domain, and the edge
        // (parent span, child span) it was measured on.
        var relative: [String: Int64] = [:]
        var measuredOn: [String: (parent: Int, child: Int)] = [:]
        var order: [String] = []
        for index in tree.depthFirst() {
            let domain = domains[index]
            guard relative[domain] == nil else { continue }
            order.append(domain)
            guard let parent = tree.parents[index], let parentOffset = relative[domains[parent]] else {
                relative[domain] = 0
                continue
            }
            let measured = skew(of: spans[index], under: spans[parent]) ?? 0
            relative[domain] = parentOffset.plus(measured)
            measuredOn[domain] = (parent, index)
        }

        let reference = referenceOffset(order.compactMap { relative[$0] })
        var offsetOf: [String: Int64] = [:]
        for domain in order {
            let offset = (relative[domain] ?? 0).minus(reference)
            offsetOf[domain] = offset.magnitude <= tolerance ? 0 : offset
        }

        var offsets = [Int64](repeating: 0, count: spans.count)
        var positions: [String: Int] = [:]
        var estimates: [ClockSkewEstimate] = []
        var adjusted: [[Int]] = []
        var references: [String] = []
        for domain in order {
            guard let offset = offsetOf[domain], offset != 0 else { continue }
            positions[domain] = estimates.count
            let (hop, other) = describe(domain, measuredOn: measuredOn, offsetOf: offsetOf, tree: tree, domains: domains)
            estimates.append(ClockSkewEstimate(service: domain, offsetMicroseconds: offset, hop: hop, adjustedSpanCount: 0))
            adjusted.append([])
            references.append(other)
        }
        for index in spans.indices {
            guard let position = positions[domains[index]] else { continue }
            offsets[index] = estimates[position].offsetMicroseconds
            adjusted[position].append(index)
        }
        for position in estimates.indices { estimates[position].adjustedSpanCount = adjusted[position].count }
        return Result(offsets: offsets, estimates: estimates, adjustedSpans: adjusted, references: references)
    }

    /// The relative offset most domains share (within the tolerance); the first domain's (0)
    /// wins ties, so a lone skewed callee is named rather than everyone else.
    private func referenceOffset(_ values: [Int64]) -> Int64 {
        guard !values.isEmpty else { return 0 }
        let window = Int64(clamping: max(tolerance, 1))
        func agreeing(_ value: Int64) -> Int { values.filter { $0.minus(value).magnitude <= window.magnitude }.count }
        let atZero = agreeing(0)
        var best: (value: Int64, count: Int) = (0, atZero)
        for value in values where value != 0 {
            let count = agreeing(value)
            if count > best.count { best = (value, count) }
        }
        return best.value
    }

    /// The hop to name for a skewed domain, and the domain it disagrees with: the call into it
    /// when it has one, else (the root's clock) its first call to a domain that is right.
    private func describe(
        _ domain: String, measuredOn: [String: (parent: Int, child: Int)], offsetOf: [String: Int64],
        tree: TraceTree, domains: [String]
    ) -> (hop: String, other: String) {
        let spans = tree.spans
        if let edge = measuredOn[domain] {
            return ("\(spans[edge.parent].nodeLabel) -> \(spans[edge.child].serviceLabel)", domains[edge.parent])
        }
        for (child, parent) in tree.parents.enumerated() {
            guard let parent, domains[parent] == domain, domains[child] != domain, offsetOf[domains[child]] == 0 else { continue }
            return ("\(spans[parent].nodeLabel) -> \(spans[child].serviceLabel)", domains[child])
        }
        return ("\(domain) -> ?", "its callees")
    }

    /// The offset that puts `child` inside `parent`, or nil when it already lies within the
    /// tolerance (or times are unknown).
    private func skew(of child: ZipkinSpan, under parent: ZipkinSpan) -> Int64? {
        guard let childStart = child.timestamp, let parentTimestamp = parent.timestamp else { return nil }
        let parentStart = Int64(clamping: parentTimestamp)
        let childStartSigned = Int64(clamping: childStart)
        let tolerance = Int64(clamping: tolerance)
        let childDuration = Int64(clamping: child.duration ?? 0)
        guard let parentDurationRaw = parent.duration else {
            // Without the parent's end only "starts before its parent" can be seen.
            guard childStartSigned.plus(tolerance) < parentStart else { return nil }
            return parentStart.minus(childStartSigned)
        }
        let parentDuration = Int64(clamping: parentDurationRaw)
        let parentEnd = parentStart.plus(parentDuration)
        let childEnd = childStartSigned.plus(childDuration)
        let startsBefore = childStartSigned.plus(tolerance) < parentStart
        let startsAfterEnd = childStartSigned > parentEnd.plus(tolerance)
        let endsAfter = childEnd > parentEnd.plus(tolerance)
        // A callee cannot start before its caller or after the caller finished. One that
        // starts in time but ends late is skewed only if it would fit: a longer callee is a
        // caller that gave up (a timeout), not a clock.
        guard startsBefore || startsAfterEnd || (endsAfter && childDuration <= parentDuration) else { return nil }
        if childDuration <= parentDuration {
            let latency = (parentDuration - childDuration) / 2
            return parentStart.plus(latency).minus(childStartSigned)
        }
        return parentStart.minus(childStartSigned)
    }
}
