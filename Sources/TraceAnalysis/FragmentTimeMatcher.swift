/// Finds the request a fragment came from by time alone, when its app dropped every header,
/// x-request-id too, and nothing else ties the two traces together.
///
/// One sidecar reports both the SERVER span of each request its app serves and the CLIENT span
/// of each call the app makes, on one clock (raw timestamps are compared, not skew-corrected
/// ones: the skew correction of two traces need not agree, the sidecar's clock does). A
/// fragment that starts at node N's CLIENT span was sent while N served one of its requests:
/// a *candidate host* is a SERVER span of N in another trace that started before the call and
/// ended after it (within the tolerance); a trace with several is counted once, by its innermost.
///
/// One request running at that moment is a match. Under concurrency several may be; then the
/// candidates are narrowed by elimination, assuming an app calls a given service at most once
/// per request it serves (every lab app does): a fragment with a single open candidate takes
/// it, and that host is no longer open to other fragments calling the same service, until
/// nothing changes. A fragment left with several candidates is *ambiguous*: the caller lost
/// the context in one of them, the spans cannot say which, and the analysis reports all of
/// them rather than guess.
struct FragmentTimeMatcher {
    struct Fragment {
        /// The fragment's root: a sidecar CLIENT span.
        var root: SpanLocation
        /// `node_id` (else service) of the sidecar that sent the call.
        var node: String
        var callee: String
        var start: UInt64
        var end: UInt64
    }

    struct Host {
        /// A SERVER span.
        var location: SpanLocation
        var node: String
        var start: UInt64
        var end: UInt64
    }

    enum Match: Equatable {
        case linked(SpanLocation)
        /// Several requests of the node were running; in start order.
        case ambiguous([SpanLocation])
        case none
    }

    private struct HostCall: Hashable {
        var host: SpanLocation
        var callee: String
    }

    var tolerance: UInt64

    /// One match per fragment, in the order given.
    func match(_ fragments: [Fragment], hosts: [Host]) -> [Match] {
        let hostsByNode = Dictionary(grouping: hosts, by: \.node)
        let candidates = fragments.map { hostsRunning(during: $0, among: hostsByNode[$0.node] ?? []) }
        var resolved = [SpanLocation?](repeating: nil, count: fragments.count)
        var taken: Set<HostCall> = []
        func open(_ index: Int) -> [SpanLocation] {
            candidates[index].filter { !taken.contains(HostCall(host: $0, callee: fragments[index].callee)) }
        }
        let order = fragments.indices.sorted { fragments[$0].start != fragments[$1].start ? fragments[$0].start < fragments[$1].start : $0 < $1 }
        var changed = true
        while changed {
            changed = false
            for index in order where resolved[index] == nil {
                let remaining = open(index)
                guard remaining.count == 1 else { continue }
                resolved[index] = remaining[0]
                taken.insert(HostCall(host: remaining[0], callee: fragments[index].callee))
                changed = true
            }
        }
        return fragments.indices.map { index in
            if let host = resolved[index] { return .linked(host) }
            // Every candidate taken: the assumption of one call per callee did not hold here,
            // so fall back to every candidate.
            let remaining = open(index).isEmpty ? candidates[index] : open(index)
            switch remaining.count {
            case 0: return .none
            case 1: return .linked(remaining[0])
            default: return .ambiguous(remaining)
            }
        }
    }

    /// The SERVER spans of the fragment's node that were running for the whole call, the
    /// innermost one per trace, in start order.
    private func hostsRunning(during fragment: Fragment, among hosts: [Host]) -> [SpanLocation] {
        var innermost: [Int: Host] = [:]
        for host in hosts where host.location.trace != fragment.root.trace
            && host.start <= fragment.start.plus(tolerance) && fragment.end <= host.end.plus(tolerance) {
            if let known = innermost[host.location.trace], known.start >= host.start { continue }
            innermost[host.location.trace] = host
        }
        return innermost.values.sorted { $0.start != $1.start ? $0.start < $1.start : $0.location < $1.location }.map(\.location)
    }
}
