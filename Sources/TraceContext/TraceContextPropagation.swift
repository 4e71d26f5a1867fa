/// A configurable propagation set: which formats to read, in what precedence, and which to
/// write.
///
/// Reading takes the first format in `extractOrder` that carries a valid context, so a
/// malformed header in one format falls through to the next instead of ending the trace.
/// The default order puts `b3` before the multi headers, as the B3 spec requires when both
/// are present.
public struct TraceContextPropagation: Sendable, Hashable {
    public var extractOrder: [PropagationFormat]
    public var injectFormats: [PropagationFormat]

    public init(
        extractOrder: [PropagationFormat] = [.b3Single, .b3Multi, .w3c],
        injectFormats: [PropagationFormat] = [.b3Multi]
    ) {
        self.extractOrder = extractOrder
        self.injectFormats = injectFormats
    }

    /// What the incoming headers carried.
    public struct Extraction: Sendable, Hashable {
        /// The context to continue, if any format carried a valid one.
        public var context: SpanContext?
        /// The format `context` came from.
        public var format: PropagationFormat?
        /// A decision without ids (`b3: 0`, `x-b3-sampled: 0` alone), or the context's own.
        public var sampling: SamplingState
        /// Every configured format whose headers were present, valid or not: a proxy writes
        /// the context back "in the formats it came in".
        public var formatsPresent: [PropagationFormat]
        /// What was wrong with the headers that were present but invalid.
        public var errors: [TraceContextError]

        public init(context: SpanContext? = nil, format: PropagationFormat? = nil, sampling: SamplingState = .deferred, formatsPresent: [PropagationFormat] = [], errors: [TraceContextError] = []) {
            self.context = context
            self.format = format
            self.sampling = sampling
            self.formatsPresent = formatsPresent
            self.errors = errors
        }
    }

    public func extract(from headers: some HeaderGetter) -> Extraction {
        var result = Extraction()
        var samplingOnly: SamplingState?
        for format in extractOrder {
            do {
                switch format {
                case .b3Single:
                    guard let value = headers.firstValue(forLowercasedName: TraceHeaders.b3) else { continue }
                    result.formatsPresent.append(format)
                    switch try B3SingleHeader.extract(value) {
                    case .context(let context): adopt(context, format: format, into: &result)
                    case .samplingOnly(let sampling): if result.context == nil { samplingOnly = samplingOnly ?? sampling }
                    }
                case .b3Multi:
                    guard let extraction = try B3MultiHeaders.extract(from: headers) else { continue }
                    result.formatsPresent.append(format)
                    switch extraction {
                    case .context(let context): adopt(context, format: format, into: &result)
                    case .samplingOnly(let sampling): if result.context == nil { samplingOnly = samplingOnly ?? sampling }
                    }
                case .w3c:
                    guard let value = headers.firstValue(forLowercasedName: TraceHeaders.traceparent) else { continue }
                    result.formatsPresent.append(format)
                    var context = try TraceParentHeader.extract(value)
                    if let stateValue = headers.firstValue(forLowercasedName: TraceHeaders.tracestate) {
                        do {
                            let state = try TraceState(stateValue)
                            if !state.isEmpty { context.traceState = state }
                        } catch {
                            result.errors.append(error)
                        }
                    }
                    adopt(context, format: format, into: &result)
                case .jaeger:
                    guard let value = headers.firstValue(forLowercasedName: TraceHeaders.uberTraceID) else { continue }
                    result.formatsPresent.append(format)
                    adopt(try UberTraceIDHeader.extract(value), format: format, into: &result)
                case .otSpanContext:
                    guard let value = headers.firstValue(forLowercasedName: TraceHeaders.otSpanContext) else { continue }
                    result.formatsPresent.append(format)
                    adopt(try OTSpanContextHeader.extract(value), format: format, into: &result)
                }
            } catch {
                // B3 multi throws before it can say it was present: its headers were there,
                // only invalid, and the proxy must still write B3 back.
                if format == .b3Multi && result.formatsPresent.last != .b3Multi {
                    result.formatsPresent.append(format)
                }
                result.errors.append(error)
            }
        }
        // A decision without ids from a format of higher precedence (`b3: 0` next to
        // x-b3-* ids) wins over the decision of the context found later: B3 says the single
        // header wins, and a proxy must not record what its caller asked to drop.
        if let samplingOnly {
            result.sampling = samplingOnly
            result.context?.sampling = samplingOnly
        }
        return result
    }

    private func adopt(_ context: SpanContext, format: PropagationFormat, into result: inout Extraction) {
        guard result.context == nil else {
            // A later format of the same trace may still carry the W3C tracestate.
            if let state = context.traceState, result.context?.traceState == nil,
               result.context?.traceID.hex128 == context.traceID.hex128 {
                result.context?.traceState = state
            }
            return
        }
        result.context = context
        result.format = format
        result.sampling = context.sampling
    }

    /// Writes `context` in `formats` (default: `injectFormats`), replacing whatever those
    /// formats' headers held.
    public func inject(_ context: SpanContext, into headers: inout some HeaderSetter, formats: [PropagationFormat]? = nil) {
        for format in formats ?? injectFormats {
            Self.inject(context, format: format, into: &headers)
        }
    }

    /// Writes a sampling decision that has no ids (for formats that can carry one).
    public func injectSampling(_ sampling: SamplingState, into headers: inout some HeaderSetter, formats: [PropagationFormat]? = nil) {
        for format in formats ?? injectFormats {
            switch format {
            case .b3Multi:
                B3MultiHeaders.injectSampling(sampling, into: &headers)
            case .b3Single:
                if let value = B3SingleHeader.value(for: sampling) {
                    headers.set(value, forLowercasedName: TraceHeaders.b3)
                } else {
                    headers.remove(lowercasedName: TraceHeaders.b3)
                }
            case .w3c, .jaeger, .otSpanContext:
                break
            }
        }
    }

    /// Removes every header of `formats`.
    public static func remove(_ formats: [PropagationFormat] = PropagationFormat.allCases, from headers: inout some HeaderSetter) {
        headers.remove(lowercasedNames: headerNames(of: formats))
    }

    /// Every header name of `formats`, each once.
    public static func headerNames(of formats: [PropagationFormat]) -> [String] {
        var names: [String] = []
        for format in formats {
            for name in format.headerNames where !names.contains(name) { names.append(name) }
        }
        return names
    }

    public static func inject(_ context: SpanContext, format: PropagationFormat, into headers: inout some HeaderSetter) {
        switch format {
        case .b3Multi:
            B3MultiHeaders.inject(context, into: &headers)
        case .b3Single:
            headers.set(B3SingleHeader.value(for: context), forLowercasedName: TraceHeaders.b3)
        case .w3c:
            headers.set(TraceParentHeader.value(for: context), forLowercasedName: TraceHeaders.traceparent)
            if let state = context.traceState, !state.isEmpty {
                headers.set(state.headerValue, forLowercasedName: TraceHeaders.tracestate)
            } else {
                headers.remove(lowercasedName: TraceHeaders.tracestate)
            }
        case .jaeger:
            headers.set(UberTraceIDHeader.value(for: context), forLowercasedName: TraceHeaders.uberTraceID)
        case .otSpanContext:
            headers.set(OTSpanContextHeader.value(for: context), forLowercasedName: TraceHeaders.otSpanContext)
        }
    }
}
