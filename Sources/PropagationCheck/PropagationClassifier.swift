import TraceContext

/// Judges every header a case sent against one downstream call of the app: forwarded
/// unchanged, regenerated as a child, dropped or corrupted, and what that does to the trace.
///
/// Contexts are compared by meaning, through TraceContext's parsers: a 64-bit trace id the
/// app writes back zero-padded to 128 bits is the same trace (Zipkin and the lab read it so),
/// `x-b3-sampled: true` is `1`. Only the headers the case sent are judged; what the app adds
/// on its own (say `traceparent` next to B3) is not this case's business.
public enum PropagationClassifier {
    public static func classify(_ sent: PropagationCase, call: CapturedCall) -> [HeaderFinding] {
        let seen = call.headers
        var findings: [HeaderFinding]
        switch sent.format {
        case .b3Multi: findings = b3Multi(sent, seen: seen)
        case .b3Single: findings = singleHeader(sent, name: TraceHeaders.b3, seen: seen, parse: b3SingleContext)
        case .w3c: findings = w3c(sent, seen: seen)
        case .otSpanContext: findings = singleHeader(sent, name: TraceHeaders.otSpanContext, seen: seen, parse: otContext)
        case .jaeger: findings = singleHeader(sent, name: TraceHeaders.uberTraceID, seen: seen, parse: jaegerContext)
        }
        if let requestID = sent.requestID {
            findings.append(self.requestID(requestID, seen: seen.firstValue(forLowercasedName: TraceHeaders.requestID)))
        }
        if let baggage = sent.baggage {
            findings.append(self.baggage(baggage, seen: seen.firstValue(forLowercasedName: PropagationCase.baggageHeader)))
        }
        return findings
    }

    // MARK: B3 multi

    static func b3Multi(_ sent: PropagationCase, seen headers: HeaderFields) -> [HeaderFinding] {
        let names = sent.sentHeaderNames.filter { PropagationFormat.b3Multi.headerNames.contains($0) }
        func value(_ name: String) -> String? { headers.firstValue(forLowercasedName: name) }
        let extraction: B3Extraction?
        do {
            extraction = try B3MultiHeaders.extract(from: headers)
        } catch {
            // Not valid B3: a header that kept its value is still forwarded; the others broke it.
            return names.map { name in
                let sentValue = sent.headers.firstValue(forLowercasedName: name) ?? ""
                let seenValue = value(name)
                if seenValue == sentValue { return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .forwarded, impact: .none) }
                if seenValue == nil {
                    return HeaderFinding(header: name, sent: sentValue, seen: nil, outcome: .dropped, impact: .breaks, detail: "the rest is not valid B3 without it: \(error)")
                }
                return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .corrupted, impact: .breaks, detail: "not valid B3: \(error)")
            }
        }
        let context = sent.context
        let seenContext = extraction?.context
        let seenSampling = extraction?.sampling ?? .deferred
        var findings: [HeaderFinding] = []
        for name in names {
            let sentValue = sent.headers.firstValue(forLowercasedName: name) ?? ""
            let seenValue = value(name)
            switch name {
            case TraceHeaders.b3TraceID:
                findings.append(traceIDFinding(name, sentValue: sentValue, seenValue: seenValue, sent: context.traceID, seen: seenContext?.traceID))
            case TraceHeaders.b3SpanID:
                findings.append(spanIDFinding(name, sentValue: sentValue, seenValue: seenValue, sent: context, seen: seenContext))
            case TraceHeaders.b3ParentSpanID:
                findings.append(parentFinding(name, sentValue: sentValue, seenValue: seenValue, sent: context, seen: seenContext))
            case TraceHeaders.b3Sampled, TraceHeaders.b3Flags:
                let judgement = SamplingJudgement(sent: context.sampling, seen: seenSampling)
                if seenValue == sentValue {
                    findings.append(HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .forwarded, impact: .none))
                } else if let problem = judgement.problem {
                    let outcome: HeaderOutcome = seenValue == nil ? .dropped : .corrupted
                    findings.append(HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: outcome, impact: problem.impact, detail: problem.text))
                } else {
                    // The same decision written another way (`true` for `1`).
                    findings.append(HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .forwarded, impact: .none,
                                                  detail: "the same decision (\(seenSampling))"))
                }
            default:
                break
            }
        }
        return findings
    }

    // MARK: one-header formats (b3, x-ot-span-context, uber-trace-id)

    typealias ContextParser = @Sendable (String) -> Result<SpanContext, ParseProblem>

    struct ParseProblem: Error {
        var text: String
    }

    static let b3SingleContext: ContextParser = { value in
        do {
            switch try B3SingleHeader.extract(value) {
            case .context(let context): return .success(context)
            case .samplingOnly(let sampling): return .failure(ParseProblem(text: "only a sampling decision (\(sampling)), no trace and span ids"))
            }
        } catch {
            return .failure(ParseProblem(text: "not a valid b3 value: \(error)"))
        }
    }

    static let otContext: ContextParser = { value in
        do {
            return .success(try OTSpanContextHeader.extract(value))
        } catch {
            return .failure(ParseProblem(text: "not a valid x-ot-span-context: \(error)"))
        }
    }

    static let jaegerContext: ContextParser = { value in
        do {
            return .success(try UberTraceIDHeader.extract(value))
        } catch {
            return .failure(ParseProblem(text: "not a valid uber-trace-id: \(error)"))
        }
    }

    /// A format whose whole context is one header: ids, the parent and (b3, uber-trace-id) the
    /// sampling decision.
    static func singleHeader(_ sent: PropagationCase, name: String, seen headers: HeaderFields, parse: ContextParser) -> [HeaderFinding] {
        let sentValue = sent.headers.firstValue(forLowercasedName: name) ?? ""
        guard let seenValue = headers.firstValue(forLowercasedName: name) else {
            return [HeaderFinding(header: name, sent: sentValue, seen: nil, outcome: .dropped, impact: .breaks, detail: "the next hop starts a new trace")]
        }
        if seenValue == sentValue {
            return [HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .forwarded, impact: .none)]
        }
        let seen: SpanContext
        switch parse(seenValue) {
        case .failure(let problem):
            return [HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .corrupted, impact: .breaks, detail: problem.text)]
        case .success(let context):
            seen = context
        }
        return [contextFinding(name, sentValue: sentValue, seenValue: seenValue, sent: sent.context, seen: seen, sampled: name != TraceHeaders.otSpanContext)]
    }

    /// One header that carries a whole context, already parsed.
    static func contextFinding(_ name: String, sentValue: String, seenValue: String, sent: SpanContext, seen: SpanContext, sampled carriesSampling: Bool) -> HeaderFinding {
        guard sameTrace(sent.traceID, seen.traceID) else {
            return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .corrupted, impact: .breaks,
                                 detail: "another trace id (\(seen.traceID.hex)): the next hop is in a different trace")
        }
        var notes: [String] = []
        var impact = Impact.none
        if carriesSampling {
            let judgement = SamplingJudgement(sent: sent.sampling, seen: seen.sampling)
            if let problem = judgement.problem {
                if problem.impact == .breaks {
                    return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .corrupted, impact: .breaks, detail: problem.text)
                }
                impact = max(impact, problem.impact)
                notes.append(problem.text)
            }
        }
        if let width = widthNote(sent.traceID, seen.traceID) { notes.append(width) }
        if seen.spanID == sent.spanID {
            if seen.parentSpanID != sent.parentSpanID {
                notes.append(seen.parentSpanID.map { "parent changed to \($0.hex)" } ?? "parent left out")
            }
            return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .forwarded, impact: impact,
                                 detail: notes.isEmpty ? nil : notes.joined(separator: "; "))
        }
        notes.insert(childNote(parent: seen.parentSpanID, incoming: sent.spanID), at: 0)
        return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .child, impact: impact, detail: notes.joined(separator: "; "))
    }

    // MARK: W3C

    static func w3c(_ sent: PropagationCase, seen headers: HeaderFields) -> [HeaderFinding] {
        let name = TraceHeaders.traceparent
        let sentValue = sent.headers.firstValue(forLowercasedName: name) ?? ""
        var findings: [HeaderFinding] = []
        if let seenValue = headers.firstValue(forLowercasedName: name) {
            if seenValue == sentValue {
                findings.append(HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .forwarded, impact: .none))
            } else {
                do {
                    let seen = try TraceParentHeader.extract(seenValue)
                    var finding = contextFinding(name, sentValue: sentValue, seenValue: seenValue, sent: sent.context, seen: seen, sampled: true)
                    // traceparent carries no parent: a new parent-id is the app's own span.
                    if finding.outcome == .child { finding.detail = "new parent-id \(seen.spanID.hex): the app's own span" }
                    findings.append(finding)
                } catch {
                    findings.append(HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .corrupted, impact: .breaks,
                                                  detail: "not a valid traceparent: \(error)"))
                }
            }
        } else {
            findings.append(HeaderFinding(header: name, sent: sentValue, seen: nil, outcome: .dropped, impact: .breaks, detail: "the next hop starts a new trace"))
        }
        if let state = sent.context.traceState, !state.isEmpty {
            findings.append(traceState(state, seen: headers.firstValue(forLowercasedName: TraceHeaders.tracestate)))
        }
        return findings
    }

    /// Vendors' entries must travel with the trace (W3C Trace Context §3.3); an app may put
    /// its own entry first. Losing them breaks no trace, so it is a warning.
    static func traceState(_ sent: TraceState, seen seenValue: String?) -> HeaderFinding {
        let name = TraceHeaders.tracestate
        let sentValue = sent.headerValue
        guard let seenValue else {
            return HeaderFinding(header: name, sent: sentValue, seen: nil, outcome: .dropped, impact: .warning, detail: "vendors' tracestate entries are lost")
        }
        if seenValue == sentValue { return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .forwarded, impact: .none) }
        let seen: TraceState
        do {
            seen = try TraceState(seenValue)
        } catch {
            return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .corrupted, impact: .warning, detail: "not a valid tracestate: \(error)")
        }
        let lost = sent.members.filter { member in seen[member.key] != member.value }.map(\.key)
        if !lost.isEmpty {
            return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .corrupted, impact: .warning,
                                 detail: "entries lost or changed: \(lost.joined(separator: ", "))")
        }
        let keptOrder = seen.members.map(\.key).filter { key in sent.members.contains { $0.key == key } }
        if seen.members.count == sent.members.count && keptOrder == sent.members.map(\.key) {
            return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .forwarded, impact: .none, detail: "the same entries, written differently")
        }
        let added = seen.members.map(\.key).filter { key in !sent.members.contains { $0.key == key } }
        return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .child, impact: .none,
                             detail: added.isEmpty ? "entries reordered" : "the app added its own entry: \(added.joined(separator: ", "))")
    }

    // MARK: x-request-id and baggage

    /// The mesh's request id joins access logs and the lab's request view; an app that drops or
    /// replaces it breaks no trace, so it is a warning.
    static func requestID(_ sent: String, seen: String?) -> HeaderFinding {
        let name = TraceHeaders.requestID
        guard let seen else {
            return HeaderFinding(header: name, sent: sent, seen: nil, outcome: .dropped, impact: .warning,
                                 detail: "the next hop gets a new request id: access logs and the request view lose the link")
        }
        if seen == sent { return HeaderFinding(header: name, sent: sent, seen: seen, outcome: .forwarded, impact: .none) }
        if seen.lowercased() == sent.lowercased() {
            return HeaderFinding(header: name, sent: sent, seen: seen, outcome: .forwarded, impact: .none, detail: "the same id in another case")
        }
        return HeaderFinding(header: name, sent: sent, seen: seen, outcome: .corrupted, impact: .warning,
                             detail: "replaced by another id: access logs and the request view lose the link")
    }

    /// W3C Baggage, compared member by member (`key=value`, properties included, blanks not).
    static func baggage(_ sent: String, seen: String?) -> HeaderFinding {
        let name = PropagationCase.baggageHeader
        guard let seen else {
            return HeaderFinding(header: name, sent: sent, seen: nil, outcome: .dropped, impact: .warning, detail: "baggage does not reach the next hop")
        }
        if seen == sent { return HeaderFinding(header: name, sent: sent, seen: seen, outcome: .forwarded, impact: .none) }
        let sentMembers = baggageMembers(sent)
        let seenMembers = baggageMembers(seen)
        let lost = sentMembers.subtracting(seenMembers)
        if lost.isEmpty {
            return HeaderFinding(header: name, sent: sent, seen: seen, outcome: .forwarded, impact: .none,
                                 detail: seenMembers == sentMembers ? "the same members, written differently" : "the same members, and the app's own")
        }
        return HeaderFinding(header: name, sent: sent, seen: seen, outcome: .corrupted, impact: .warning,
                             detail: "members lost or changed: \(lost.sorted().joined(separator: ", "))")
    }

    static func baggageMembers(_ value: String) -> Set<String> {
        Set(value.split(separator: ",").map { member in
            member.split(separator: ";").map { $0.filter { $0 != " " && $0 != "\t" } }.joined(separator: ";")
        }.filter { !$0.isEmpty })
    }

    // MARK: ids

    static func sameTrace(_ lhs: TraceID, _ rhs: TraceID) -> Bool {
        lhs.high == rhs.high && lhs.low == rhs.low
    }

    static func widthNote(_ sent: TraceID, _ seen: TraceID) -> String? {
        guard sent.is128Bit != seen.is128Bit else { return nil }
        return seen.is128Bit ? "64-bit trace id written as 128 bits (zero-padded, the same trace)" : "trace id written as 64 bits (the same trace)"
    }

    static func childNote(parent: SpanID?, incoming: SpanID) -> String {
        guard let parent else { return "new span id, no parent written (the app's own spans link it)" }
        if parent == incoming { return "new span id, parent = the incoming span" }
        return "new span id, parent \(parent.hex) (an app span in between, not the incoming span)"
    }

    static func traceIDFinding(_ name: String, sentValue: String, seenValue: String?, sent: TraceID, seen: TraceID?) -> HeaderFinding {
        guard let seenValue else {
            return HeaderFinding(header: name, sent: sentValue, seen: nil, outcome: .dropped, impact: .breaks, detail: "the next hop starts a new trace")
        }
        if seenValue == sentValue { return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .forwarded, impact: .none) }
        guard let seen else {
            return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .corrupted, impact: .breaks, detail: "no span id with it: not valid B3")
        }
        if sameTrace(sent, seen) {
            return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .forwarded, impact: .none, detail: widthNote(sent, seen))
        }
        return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .corrupted, impact: .breaks,
                             detail: "another trace id: the next hop is in a different trace")
    }

    static func spanIDFinding(_ name: String, sentValue: String, seenValue: String?, sent: SpanContext, seen: SpanContext?) -> HeaderFinding {
        guard let seenValue else {
            return HeaderFinding(header: name, sent: sentValue, seen: nil, outcome: .dropped, impact: .breaks, detail: "the next hop starts a new trace")
        }
        if seenValue == sentValue { return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .forwarded, impact: .none) }
        guard let seen else {
            return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .corrupted, impact: .breaks, detail: "no trace id with it: not valid B3")
        }
        guard sameTrace(sent.traceID, seen.traceID) else {
            return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .corrupted, impact: .breaks, detail: "a span of another trace")
        }
        return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .child, impact: .none,
                             detail: childNote(parent: seen.parentSpanID, incoming: sent.spanID))
    }

    /// `x-b3-parentspanid`. With the span id kept it must stay the caller's parent; with a new
    /// span id (a child) the parent is the app's business. Never breaks a trace on its own.
    static func parentFinding(_ name: String, sentValue: String, seenValue: String?, sent: SpanContext, seen: SpanContext?) -> HeaderFinding {
        if seenValue == sentValue { return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .forwarded, impact: .none) }
        guard let seen, sameTrace(sent.traceID, seen.traceID) else {
            return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: seenValue == nil ? .dropped : .corrupted, impact: .none,
                                 detail: "goes with x-b3-traceid")
        }
        if seen.spanID == sent.spanID {
            if seenValue == nil {
                return HeaderFinding(header: name, sent: sentValue, seen: nil, outcome: .dropped, impact: .warning,
                                     detail: "the span id was kept but its parent left out: the next sidecar's half of the shared span has no parent")
            }
            return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .corrupted, impact: .warning,
                                 detail: "the span id was kept but its parent changed")
        }
        if seen.parentSpanID == sent.spanID {
            return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .child, impact: .none, detail: "the incoming span, as a child's parent")
        }
        if seenValue == nil {
            return HeaderFinding(header: name, sent: sentValue, seen: nil, outcome: .dropped, impact: .none,
                                 detail: "not written with the app's new span id (fine)")
        }
        return HeaderFinding(header: name, sent: sentValue, seen: seenValue, outcome: .child, impact: .none,
                             detail: "an app span in between, not the incoming span")
    }
}

/// A sent sampling decision against the one the app passed on.
struct SamplingJudgement {
    var sent: SamplingState
    var seen: SamplingState

    struct Problem {
        var text: String
        var impact: Impact
    }

    var problem: Problem? {
        if sent == seen { return nil }
        switch (sent, seen) {
        case (.deferred, _):
            // Nothing was decided upstream: the app may decide.
            return nil
        case (_, .deferred):
            return Problem(text: "sampling decision lost (sent \(sent)): the next sidecar decides again", impact: .breaks)
        case (.debug, .sampled):
            return Problem(text: "debug downgraded to sampled: still recorded, no longer forced or marked debug", impact: .warning)
        case (.sampled, .debug):
            return Problem(text: "sampled upgraded to debug", impact: .warning)
        default:
            return Problem(text: "sampling flipped: sent \(sent), seen \(seen)", impact: .breaks)
        }
    }
}
