import TraceContext
import Zipkin

/// Roots, orphans, loops and duplicate ids: whether the spans form one tree.
extension TraceInspection {
    /// Picks the trace id most spans carry and flags spans of other traces.
    mutating func checkTraceIDs() -> String {
        var counts: [TraceID: Int] = [:]
        for span in spans { counts[span.traceID, default: 0] += 1 }
        let main = counts.max { lhs, rhs in
            if lhs.value != rhs.value { return lhs.value < rhs.value }
            if lhs.key.is128Bit != rhs.key.is128Bit { return !lhs.key.is128Bit }
            return lhs.key > rhs.key
        }?.key
        guard let main else { return "" }
        let others = spans.indices.filter { spans[$0].traceID != main }
        if !others.isEmpty {
            let sameLow = others.allSatisfy { spans[$0].traceID.low == main.low }
            let otherIDs = Set(others.map { spans[$0].traceID.hex }).sorted()
            add(TraceFinding(
                kind: .mixedTraceIDs, severity: sameLow ? .warning : .error,
                cause: sameLow
                    ? "Some spans carry the 64-bit form of trace id \(main.hex) (\(otherIDs.joined(separator: ", "))): a tracer shortened the 128-bit id. Zipkin joins them, but a strict backend splits the trace."
                    : "Spans of other traces (\(otherIDs.joined(separator: ", "))) were analysed with trace \(main.hex).",
                code: .mixedTraceIDs, spanIDs: ids(others)
            ))
        }
        return main.hex
    }

    mutating func checkRoots() {
        for root in tree.roots where spans[root].kind == .client && spans[root].isProxySpan {
            let span = spans[root]
            let callee = callee(ofClient: root)
            let requestID = span.requestID.map { " Look for the trace whose x-request-id is \($0)." } ?? ""
            add(TraceFinding(
                kind: .fragment, severity: .error, hop: "\(span.nodeLabel) -> \(callee)",
                cause: "This trace starts at \(span.nodeLabel)'s sidecar calling \(callee): the \(span.serviceLabel) app made the call without the trace headers it received, so its sidecar started a new trace. The first part of the request is in another trace.\(requestID)",
                code: .missingContext, spanIDs: [span.id.hex], brokenLink: true
            ))
        }
        if !options.entryServices.isEmpty {
            for root in tree.roots where spans[root].kind != .client {
                let span = spans[root]
                if options.entryServices.contains(span.serviceLabel) || span.nodeID.map(options.entryServices.contains) == true { continue }
                let entries = options.entryServices.sorted().joined(separator: ", ")
                add(TraceFinding(
                    kind: .fragment, severity: .error, hop: "? -> \(span.serviceLabel)",
                    cause: "This trace starts at \(span.nodeLabel), but requests enter at \(entries): the call into \(span.serviceLabel) arrived without a trace context its sidecar could read, so it started a new trace. The first part of the request is in another trace.",
                    code: .missingContext, spanIDs: [span.id.hex], brokenLink: true
                ))
            }
        }
        guard tree.roots.count > 1 else { return }
        let services = tree.roots.map { spans[$0].nodeLabel }
        add(TraceFinding(
            kind: .multipleRoots, severity: .error, hop: nil,
            cause: "\(tree.roots.count) spans have no parent (\(Set(services).sorted().joined(separator: ", "))): several requests started with the same trace id. A client reused its trace id or sent a trace id without the span that owns it.",
            code: .multipleRoots, spanIDs: ids(tree.roots), brokenLink: true
        ))
    }

    mutating func checkOrphansAndCycles() {
        // Calls nobody answered, by callee: they name the caller of an orphaned SERVER side.
        var unansweredCallers: [String: Int] = [:]
        for index in spans.indices.reversed() where spans[index].kind == .client
            && !tree.children[index].contains(where: { spans[$0].kind == .server }) {
            unansweredCallers[spans[index].calleeGuess] = index
        }
        var byMissingParent: [SpanID: [Int]] = [:]
        for orphan in tree.orphans {
            if let parentID = spans[orphan].parentID { byMissingParent[parentID, default: []].append(orphan) }
        }
        for (parentID, orphans) in byMissingParent.sorted(by: { $0.value[0] < $1.value[0] }) {
            let first = spans[orphans[0]]
            let service = first.serviceLabel
            let hop = "\(unansweredCallers[service].map { spans[$0].nodeLabel } ?? "?") -> \(service)"
            let names = Set(orphans.map { spans[$0].nodeLabel }).sorted().joined(separator: ", ")
            let subject = "\(orphans.count == 1 ? "A span" : "\(orphans.count) spans") of \(names) name\(orphans.count == 1 ? "s" : "") parent \(parentID.hex), which is not in the trace"
            // A SERVER span's parent is on the caller's side; anything else hangs from its own service.
            let owner = first.kind == .server ? "the caller's span" : "\(first.serviceLabel)'s own span"
            add(TraceFinding(
                kind: .orphan, severity: .error, hop: hop,
                cause: "\(subject): \(owner) was never reported (the caller is not traced, or the span was dropped by its reporter, lost while the collector was down, or not flushed yet).",
                code: .orphan, spanIDs: ids(orphans), brokenLink: true
            ))
        }
        for cut in tree.cycleBreaks {
            add(TraceFinding(
                kind: .cycle, severity: .error, hop: nil,
                cause: "Parent links loop back to span \(spans[cut].id.hex) of \(spans[cut].nodeLabel): a tracer wrote a span's own or a child's id as its parent.",
                code: .cycle, spanIDs: [spans[cut].id.hex], brokenLink: true
            ))
        }
    }

    mutating func checkDuplicates() {
        var groups: [String: [Int]] = [:]
        for (index, span) in spans.enumerated() { groups["\(span.id.hex) \(span.kindLabel)", default: []].append(index) }
        for members in groups.values.sorted(by: { $0[0] < $1[0] }) where members.count > 1 {
            let first = spans[members[0]]
            let services = Set(members.map { spans[$0].localServiceName ?? "?" })
            let requestIDs = Set(members.compactMap { spans[$0].requestID })
            if first.kind == .server, services.count > 1, let (outer, inner) = enclosingPair(members) {
                add(TraceFinding(
                    kind: .duplicateSpanID, severity: .error,
                    hop: "\(spans[outer].nodeLabel) -> \(spans[inner].serviceLabel)",
                    cause: "\(spans[inner].serviceLabel)'s SERVER span reuses the id of \(spans[outer].nodeLabel)'s SERVER span: the \(spans[outer].serviceLabel) app passed its incoming B3 ids straight to \(spans[inner].serviceLabel) instead of calling through its sidecar, so no CLIENT span exists for the call.",
                    code: .bypassedSidecar, spanIDs: [first.id.hex]
                ))
            } else if services.count == 1, requestIDs.count > 1 {
                add(TraceFinding(
                    kind: .duplicateSpanID, severity: .error, hop: "? -> \(first.serviceLabel)",
                    cause: "\(members.count) different requests (x-request-id \(requestIDs.sorted().joined(separator: ", "))) arrived at \(first.nodeLabel) with the same trace and span id \(first.id.hex): a client sent the same b3/x-b3-* headers more than once (a fixed header in a load test?). Every request needs its own span id.",
                    code: .reusedContext, spanIDs: [first.id.hex]
                ))
            } else {
                add(TraceFinding(
                    kind: .duplicateSpanID, severity: .error, hop: hopLabel(at: members[0]),
                    cause: "\(members.count) different \(first.kindLabel) spans of \(services.sorted().joined(separator: ", ")) have the id \(first.id.hex): span ids must be unique within a kind (only the two sides of a shared B3 hop may share one).",
                    code: .duplicateSpanID, spanIDs: [first.id.hex]
                ))
            }
        }
    }

    /// Two of the spans where one lies within the other's time: (outer, inner).
    private func enclosingPair(_ members: [Int]) -> (Int, Int)? {
        // A bypass makes two or three spans share an id; a huge group is a broken tracer.
        guard members.count <= 16 else { return nil }
        for outer in members {
            for inner in members where inner != outer && spans[inner].localServiceName != spans[outer].localServiceName {
                guard let outerStart = starts[outer], let innerStart = starts[inner] else { continue }
                let outerEnd = ZipkinSpanTime.end(outerStart, spans[outer].duration)
                let innerEnd = ZipkinSpanTime.end(innerStart, spans[inner].duration)
                if outerStart <= innerStart && innerEnd <= outerEnd { return (outer, inner) }
            }
        }
        return nil
    }
}
