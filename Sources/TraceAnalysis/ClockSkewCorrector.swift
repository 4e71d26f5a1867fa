import Zipkin

/// Estimates per-service clock offsets and the times they imply, like openzipkin's
/// `CorrectForClockSkew`.
///
/// A span whose clock domain (its `node_id`, else its service) differs from its parent's and
/// that lies outside the parent's time by more than the tolerance is centred in the parent:
/// the difference of the two durations is split evenly between the request and the response
/// network time. A child that starts within its parent but runs longer is not skew: its
/// caller gave up (a timeout) and the callee carried on. The offset found is then applied to every span of that domain in the trace
/// (one process has one clock), and children of other domains are judged against the
/// corrected times. A child longer than its parent cannot be centred; its start is aligned.
struct ClockSkewCorrector {
    struct Result {
        /// µs to add to each span's timestamp.
        var offsets: [Int64]
        var estimates: [ClockSkewEstimate]
        /// For each estimate (same order), the spans that were moved.
        var adjustedSpans: [[Int]]
        /// For each estimate, the span where the skew was measured.
        var measuredAt: [Int]
    }

    var tolerance: UInt64

    static func domain(_ span: ZipkinSpan) -> String { span.nodeLabel }

    func correct(_ tree: TraceTree) -> Result {
        let spans = tree.spans
        var offsets = [Int64](repeating: 0, count: spans.count)
        var established: [String: Int] = [:]  // domain → index into estimates
        var estimates: [ClockSkewEstimate] = []
        var adjusted: [[Int]] = []
        var measuredAt: [Int] = []

        for index in tree.depthFirst() {
            let span = spans[index]
            let domain = Self.domain(span)
            if let known = established[domain] {
                offsets[index] = estimates[known].offsetMicroseconds
                adjusted[known].append(index)
                continue
            }
            guard let parent = tree.parents[index] else { continue }
            let parentSpan = spans[parent]
            if Self.domain(parentSpan) == domain {
                offsets[index] = offsets[parent]
                continue
            }
            guard let offset = skew(of: span, under: parentSpan, parentOffset: offsets[parent]) else { continue }
            offsets[index] = offset
            established[domain] = estimates.count
            estimates.append(ClockSkewEstimate(
                service: domain, offsetMicroseconds: offset,
                hop: "\(parentSpan.nodeLabel) -> \(span.serviceLabel)", adjustedSpanCount: 0
            ))
            adjusted.append([index])
            measuredAt.append(index)
        }
        for position in estimates.indices { estimates[position].adjustedSpanCount = adjusted[position].count }
        return Result(offsets: offsets, estimates: estimates, adjustedSpans: adjusted, measuredAt: measuredAt)
    }

    /// The offset that puts `child` inside `parent`, or nil when it already lies within the
    /// tolerance (or times are unknown).
    private func skew(of child: ZipkinSpan, under parent: ZipkinSpan, parentOffset: Int64) -> Int64? {
        guard let childStart = child.timestamp, let parentTimestamp = parent.timestamp else { return nil }
        let parentStart = Int64(clamping: parentTimestamp).plus(parentOffset)
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
