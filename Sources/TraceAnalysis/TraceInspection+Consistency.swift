import Zipkin

/// x-request-id and sampling agreement along every path, expectations, clock skew.
extension TraceInspection {
    /// Walks parents before children carrying the nearest ancestor's request id; a span whose
    /// id differs (or a sidecar span that lacks one) marks the hop where it changed. Only the
    /// first change on a path is reported: below it the new id is the reference.
    mutating func checkRequestIDs() {
        var inherited = [String?](repeating: nil, count: spans.count)
        var reported: [String: (finding: Int, spans: Set<String>)] = [:]  // by hop
        for index in tree.depthFirst() {
            let span = spans[index]
            let above = tree.parents[index].flatMap { inherited[$0] }
            inherited[index] = span.requestID ?? above
            guard let above else { continue }
            let code: TraceFinding.Cause
            let what: String
            if let own = span.requestID {
                guard own != above else { continue }
                code = .newRequestID
                what = "did not pass on the x-request-id it received (\(above)): the call carried \(own) (a new id, or none and the sidecar made one up)"
            } else if span.isProxySpan {
                code = .missingRequestID
                what = "did not forward x-request-id \(above)"
            } else {
                continue
            }
            let hop = hopLabel(at: index)
            if let existing = reported[hop] {
                if reported[hop]?.spans.insert(span.id.hex).inserted == true { findings[existing.finding].spanIDs.append(span.id.hex) }
                continue
            }
            let caller = hop.split(separator: " -> ").first.map(String.init) ?? span.nodeLabel
            reported[hop] = (findings.count, [span.id.hex])
            add(TraceFinding(
                kind: .requestIDMismatch, severity: .error, hop: hop,
                cause: "\(caller) \(what): spans below this hop cannot be matched to the request by its id.",
                code: code, spanIDs: [span.id.hex]
            ))
        }
    }

    /// Same walk for the debug flag, skipping spans whose flag means nothing (OpenTelemetry).
    mutating func checkSampling() {
        var inherited = [Bool?](repeating: nil, count: spans.count)
        var reported = Set<String>()
        for index in tree.depthFirst() {
            let span = spans[index]
            let above = tree.parents[index].flatMap { inherited[$0] }
            let own: Bool? = span.debugFlagIsMeaningful ? span.debug : nil
            inherited[index] = own ?? above
            guard let above, let own, own != above else { continue }
            let hop = hopLabel(at: index)
            guard reported.insert(hop).inserted else { continue }
            let caller = hop.split(separator: " -> ").first.map(String.init) ?? span.nodeLabel
            if above {
                add(TraceFinding(
                    kind: .samplingMismatch, severity: .error, hop: hop,
                    cause: "The trace was forced (debug) above this hop but not below: \(caller) did not forward x-b3-flags / x-b3-sampled, so the next sidecar made its own sampling decision.",
                    code: .missingSampled, spanIDs: [span.id.hex]
                ))
            } else {
                add(TraceFinding(
                    kind: .samplingMismatch, severity: .error, hop: hop,
                    cause: "Spans below this hop are marked debug but those above are not: \(caller) turned debug on (x-b3-flags: 1) mid-trace.",
                    code: .samplingMismatch, spanIDs: [span.id.hex]
                ))
            }
        }
    }

    mutating func checkExpectations(hops: [TraceHop]) {
        for expected in options.expectedHops where !hops.contains(where: expected.matches) {
            let callerSpans = spans.indices.filter {
                spans[$0].localServiceName == expected.caller || spans[$0].nodeID == expected.caller
            }
            let cause: String
            if callerSpans.isEmpty {
                cause = "\(expected.caller) does not appear in this trace, so neither does its call to \(expected.callee): the trace broke before it, or the route sent the request elsewhere."
            } else {
                cause = "\(expected.caller) is in the trace but its call to \(expected.callee) is not: it did not make the call, or made it without the trace headers (the call then started a new trace)."
            }
            add(TraceFinding(
                kind: .missingHop, severity: .error, hop: expected.description,
                cause: cause, code: .missingHop, spanIDs: ids(callerSpans)
            ))
        }
        if let expected = options.expectedSpanCount, expected != spans.count {
            let missing = expected > spans.count
            add(TraceFinding(
                kind: .spanCountMismatch, severity: .error,
                cause: missing
                    ? "Expected \(expected) spans, found \(spans.count): \(expected - spans.count) were not reported or landed in another trace."
                    : "Expected \(expected) spans, found \(spans.count): \(spans.count - expected) more than the topology makes (an extra call, a retry, or spans of another request).",
                code: .spanCount
            ))
        }
    }

    mutating func reportSkew() {
        for (position, estimate) in skew.estimates.enumerated() {
            let amount = DurationText.format(UInt64(estimate.offsetMicroseconds.magnitude))
            let other = skew.references[position]
            let direction = estimate.offsetMicroseconds < 0 ? "ahead of" : "behind"
            let moved = estimate.offsetMicroseconds < 0 ? "back" : "forward"
            let count = estimate.adjustedSpanCount
            add(TraceFinding(
                kind: .clockSkew, severity: .warning, hop: estimate.hop,
                cause: "\(estimate.service)'s clock is about \(amount) \(direction) \(other)'s: calls between them start before their caller or end after it. \(estimate.service)'s \(count) span\(count == 1 ? " is" : "s are") shown moved \(moved) by \(amount).",
                code: .clockSkew, spanIDs: ids(skew.adjustedSpans[position])
            ))
        }
    }
}
