import TraceContext

/// The formats `check-propagation` can check, and the cases it sends for each.
public enum PropagationCasePlan {
    /// The formats checked when `--formats` is not given: what a lab sidecar and Istio's list
    /// ask apps to forward.
    public static let defaultFormats: [PropagationFormat] = [.b3Multi, .b3Single, .w3c, .otSpanContext]

    /// Parses `--formats` (`b3multi,b3single,w3c,ot`); the error names the unknown entry.
    public static func parseFormats(_ text: String) throws(PropagationCheckError) -> [PropagationFormat] {
        do {
            return try PropagationFormat.parseList(text)
        } catch {
            throw PropagationCheckError(.unknownFormat(error.unknown))
        }
    }

    /// The cases for `formats`, in that order. Ids come from `generator` (seeded by the
    /// command, so a run is reproducible); every case has its own trace id, so a call the app
    /// makes late for one case cannot pass for another's.
    public static func cases<G: RandomNumberGenerator>(for formats: [PropagationFormat], using generator: inout G) -> [PropagationCase] {
        var cases: [PropagationCase] = []
        for format in formats {
            for variant in variants(of: format) {
                let trace = TraceID.random(is128Bit: variant.is128Bit, using: &generator)
                let span = SpanID.random(using: &generator)
                let parent: SpanID? = variant.hasParent ? SpanID.random(using: &generator) : nil
                var state: TraceState?
                if variant.hasTraceState {
                    var members = TraceState()
                    members.update(key: "rojo", value: "00f067aa0ba902b7")
                    members.update(key: "congo", value: "t61rcWkgMzE")
                    state = members
                }
                let context = SpanContext(traceID: trace, spanID: span, parentSpanID: parent, sampling: variant.sampling, traceState: state)
                let requestID = variant.hasRequestID ? RequestID.random(using: &generator).value : nil
                let baggage = variant.hasBaggage ? "userid=alice,tracelab.case=\(format.rawValue)-\(variant.label)" : nil
                cases.append(PropagationCase(
                    name: "\(format.rawValue)/\(variant.label)", format: format, summary: variant.summary(format),
                    context: context, requestID: requestID, baggage: baggage
                ))
            }
        }
        return cases
    }

    struct Variant {
        var label: String
        var sampling: SamplingState
        var is128Bit: Bool
        var hasParent: Bool
        var hasRequestID: Bool
        var hasTraceState = false
        var hasBaggage = false

        func summary(_ format: PropagationFormat) -> String {
            var parts: [String] = []
            // x-ot-span-context and uber-trace-id without flags carry no decision.
            if format != .otSpanContext { parts.append(sampling.description) }
            parts.append(is128Bit ? "128-bit trace id" : "64-bit trace id")
            if hasParent { parts.append("parent span") }
            if hasRequestID { parts.append("x-request-id") }
            if hasTraceState { parts.append("tracestate") }
            if hasBaggage { parts.append("baggage") }
            return parts.joined(separator: ", ")
        }
    }

    static func variants(of format: PropagationFormat) -> [Variant] {
        switch format {
        case .b3Multi, .b3Single:
            [
                Variant(label: "sampled-128", sampling: .sampled, is128Bit: true, hasParent: true, hasRequestID: true),
                Variant(label: "not-sampled-64", sampling: .notSampled, is128Bit: false, hasParent: false, hasRequestID: false),
                Variant(label: "debug", sampling: .debug, is128Bit: true, hasParent: true, hasRequestID: true),
            ]
        case .w3c:
            [
                Variant(label: "sampled", sampling: .sampled, is128Bit: true, hasParent: false, hasRequestID: true, hasTraceState: true, hasBaggage: true),
                Variant(label: "not-sampled", sampling: .notSampled, is128Bit: true, hasParent: false, hasRequestID: false, hasTraceState: true),
            ]
        case .otSpanContext:
            [
                Variant(label: "ids-128", sampling: .deferred, is128Bit: true, hasParent: true, hasRequestID: true),
                Variant(label: "ids-64", sampling: .deferred, is128Bit: false, hasParent: false, hasRequestID: false),
            ]
        case .jaeger:
            [
                Variant(label: "sampled-128", sampling: .sampled, is128Bit: true, hasParent: true, hasRequestID: true),
                Variant(label: "not-sampled-64", sampling: .notSampled, is128Bit: false, hasParent: false, hasRequestID: false),
            ]
        }
    }
}
