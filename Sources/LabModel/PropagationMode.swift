import TraceContext

/// What a lab service does with the trace headers of its incoming request when it makes an
/// outgoing call: forward them all (correct), or one of the planted bugs of the lessons.
///
/// Pure: it maps the incoming headers to the outgoing ones, so each lesson's bug is a tested
/// table row rather than a branch buried in a handler.
public enum PropagationMode: String, CaseIterable, Codable, Hashable, Sendable, CustomStringConvertible {
    /// Copies every header of `TraceHeaders.forwarded` (what Istio asks apps to do).
    case forwardAll = "forward-all"
    /// Forwards nothing: the next hop starts a new trace.
    case dropAll = "drop-all"
    /// Forwards everything but the B3 headers (multi and single): a B3-only mesh breaks.
    case dropB3 = "drop-b3"
    /// Forwards everything but `x-request-id`: the trace joins, the request id changes.
    case dropRequestID = "drop-request-id"
    /// Forwards only `traceparent`: joins only where the sidecars read W3C.
    case onlyTraceparent = "only-traceparent"
    /// Forwards everything but replaces `x-request-id` with a fresh one.
    case newRequestID = "new-request-id"
    /// Forwards the ids but not the B3 sampling decision (`x-b3-sampled`, `x-b3-flags`, the
    /// sampling field of `b3`): the next sidecar decides again.
    case dropSampled = "drop-sampled"

    public var description: String { rawValue }

    /// Parses a mode name; the error lists the valid ones.
    public init(parsing text: String) throws(LabModelError) {
        guard let mode = PropagationMode(rawValue: text.lowercased()) else {
            throw LabModelError(.unknownPropagationMode(text))
        }
        self = mode
    }

    /// What a student sees break with this mode, for help texts and reports.
    public var consequence: String {
        switch self {
        case .forwardAll: "every hop joins the caller's trace"
        case .dropAll: "the next hop starts a new trace (no trace headers forwarded)"
        case .dropB3: "the next hop starts a new trace when the sidecars propagate B3 only (x-b3-* and b3 not forwarded)"
        case .dropRequestID: "the trace joins but x-request-id differs from the next hop on"
        case .onlyTraceparent: "only W3C traceparent is forwarded: the trace joins only if the sidecars read W3C"
        case .newRequestID: "the trace joins but the next hop has a new x-request-id"
        case .dropSampled: "the sampling decision is lost; the next sidecar samples again on its own"
        }
    }

    /// The trace headers of `incoming` an app forwards with this mode.
    ///
    /// `generator` makes the new id of `new-request-id` (injected so tests are deterministic).
    public func outgoingHeaders<G: RandomNumberGenerator>(from incoming: some HeaderGetter, using generator: inout G) -> HeaderFields {
        apply(to: PropagationMode.forwardable(from: incoming), using: &generator)
    }

    /// Applies the mode to headers the app would forward if it were correct (`forwardable`,
    /// or those with the app's own span context injected when it reports app spans).
    public func apply<G: RandomNumberGenerator>(to forwarded: HeaderFields, using generator: inout G) -> HeaderFields {
        var headers = forwarded
        switch self {
        case .forwardAll:
            break
        case .dropAll:
            headers = HeaderFields()
        case .dropB3:
            for name in TraceHeaders.allB3 { headers.remove(lowercasedName: name) }
        case .dropRequestID:
            headers.remove(lowercasedName: TraceHeaders.requestID)
        case .onlyTraceparent:
            headers = HeaderFields()
            if let value = forwarded.firstValue(forLowercasedName: TraceHeaders.traceparent) {
                headers.set(value, forLowercasedName: TraceHeaders.traceparent)
            }
        case .newRequestID:
            headers.set(RequestID.random(using: &generator).value, forLowercasedName: TraceHeaders.requestID)
        case .dropSampled:
            headers.remove(lowercasedName: TraceHeaders.b3Sampled)
            headers.remove(lowercasedName: TraceHeaders.b3Flags)
            if let single = forwarded.firstValue(forLowercasedName: TraceHeaders.b3) {
                if let idsOnly = PropagationMode.b3WithoutSampling(single) {
                    headers.set(idsOnly, forLowercasedName: TraceHeaders.b3)
                } else {
                    headers.remove(lowercasedName: TraceHeaders.b3)
                }
            }
        }
        return headers
    }

    /// The headers of `TraceHeaders.forwarded` present in `incoming`, first value of each, in
    /// that list's order.
    public static func forwardable(from incoming: some HeaderGetter) -> HeaderFields {
        var headers = HeaderFields()
        for name in TraceHeaders.forwarded {
            if let value = incoming.firstValue(forLowercasedName: name) {
                headers.add(value, forName: name)
            }
        }
        return headers
    }

    /// `b3: trace-span[-sampling[-parent]]` without its sampling field: `trace-span` (the
    /// parent cannot be written without a sampling field). Nil for a sampling-only value.
    static func b3WithoutSampling(_ value: String) -> String? {
        let fields = value.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 2 else { return nil }
        return "\(fields[0])-\(fields[1])"
    }
}
