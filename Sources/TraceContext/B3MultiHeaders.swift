/// The B3 multi-header encoding: `x-b3-traceid`, `x-b3-spanid`, `x-b3-parentspanid`,
/// `x-b3-sampled`, `x-b3-flags` (openzipkin/b3-propagation, "Multiple Headers").
public enum B3MultiHeaders {
    /// Reads the headers. Nil when none of them is present; throws when they are present but
    /// break the spec (callers treat that as absent).
    public static func extract(from headers: some HeaderGetter) throws(TraceContextError) -> B3Extraction? {
        let traceIDValue = headers.firstValue(forLowercasedName: TraceHeaders.b3TraceID)
        let spanIDValue = headers.firstValue(forLowercasedName: TraceHeaders.b3SpanID)
        let parentValue = headers.firstValue(forLowercasedName: TraceHeaders.b3ParentSpanID)
        let sampledValue = headers.firstValue(forLowercasedName: TraceHeaders.b3Sampled)
        let flagsValue = headers.firstValue(forLowercasedName: TraceHeaders.b3Flags)

        let sampling = try sampling(sampled: sampledValue, flags: flagsValue)

        switch (traceIDValue, spanIDValue) {
        case (nil, nil):
            if parentValue != nil {
                throw TraceContextError(.missingTraceID, field: .parentSpanID, input: parentValue ?? "")
            }
            if sampledValue == nil && flagsValue == nil { return nil }
            return .samplingOnly(sampling)
        case (let trace?, nil):
            throw TraceContextError(.missingSpanID, field: .traceID, input: trace)
        case (nil, let span?):
            throw TraceContextError(.missingTraceID, field: .spanID, input: span)
        case (let trace?, let span?):
            let traceID = try TraceID(hex: trace)
            let spanID = try SpanID(hex: span)
            var parent: SpanID?
            if let parentValue {
                do {
                    parent = try SpanID(hex: parentValue)
                } catch {
                    throw TraceContextError(error.reason, field: .parentSpanID, input: parentValue)
                }
            }
            return .context(SpanContext(traceID: traceID, spanID: spanID, parentSpanID: parent, sampling: sampling))
        }
    }

    /// `x-b3-flags: 1` is debug and implies sampled; `x-b3-sampled` is `1`/`0`, or the legacy
    /// `true`/`false` that the spec asks readers to accept.
    static func sampling(sampled: String?, flags: String?) throws(TraceContextError) -> SamplingState {
        if let flags {
            switch flags {
            case "1": return .debug
            case "0": break
            default: throw TraceContextError(.invalidSampling, field: .flags, input: flags)
            }
        }
        guard let sampled else { return .deferred }
        switch sampled {
        case "1": return .sampled
        case "0": return .notSampled
        default:
            // Legacy tracers wrote `true`/`false`, some capitalised (`True`); read any case,
            // but only after the cheap exact matches above.
            if sampled.utf8.count <= 5 {
                switch sampled.lowercased() {
                case "true": return .sampled
                case "false": return .notSampled
                default: break
                }
            }
            throw TraceContextError(.invalidSampling, field: .sampled, input: sampled)
        }
    }

    /// Writes the headers for a context, lower case. Debug is written as `x-b3-flags: 1` alone:
    /// the spec says debug implies sampled, so `x-b3-sampled` is not sent with it.
    public static func inject(_ context: SpanContext, into headers: inout some HeaderSetter) {
        headers.set(context.traceID.hex, forLowercasedName: TraceHeaders.b3TraceID)
        headers.set(context.spanID.hex, forLowercasedName: TraceHeaders.b3SpanID)
        if let parent = context.parentSpanID {
            headers.set(parent.hex, forLowercasedName: TraceHeaders.b3ParentSpanID)
        } else {
            headers.remove(lowercasedName: TraceHeaders.b3ParentSpanID)
        }
        injectSampling(context.sampling, into: &headers)
    }

    /// Writes only a sampling decision (for a request that carries no ids).
    public static func injectSampling(_ sampling: SamplingState, into headers: inout some HeaderSetter) {
        switch sampling {
        case .sampled:
            headers.set("1", forLowercasedName: TraceHeaders.b3Sampled)
            headers.remove(lowercasedName: TraceHeaders.b3Flags)
        case .notSampled:
            headers.set("0", forLowercasedName: TraceHeaders.b3Sampled)
            headers.remove(lowercasedName: TraceHeaders.b3Flags)
        case .debug:
            headers.set("1", forLowercasedName: TraceHeaders.b3Flags)
            headers.remove(lowercasedName: TraceHeaders.b3Sampled)
        case .deferred:
            headers.remove(lowercasedName: TraceHeaders.b3Sampled)
            headers.remove(lowercasedName: TraceHeaders.b3Flags)
        }
    }
}
