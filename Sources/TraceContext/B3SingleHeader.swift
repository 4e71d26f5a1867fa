/// The B3 single header, `b3: {traceid}-{spanid}[-{sampling}[-{parentspanid}]]`, or a
/// sampling decision alone, `b3: 0|1|d` (openzipkin/b3-propagation, "Single Header").
public enum B3SingleHeader {
    /// The longest valid value: 32 + 1 + 16 + 1 + 1 + 1 + 16.
    public static let maximumLength = 68

    /// Reads a `b3` value. Throws on anything the spec does not allow; callers treat that as
    /// "no b3 header".
    public static func extract(_ value: String) throws(TraceContextError) -> B3Extraction {
        try value.withUTF8Bytes { bytes throws(TraceContextError) in try extract(bytes) }
    }

    static func extract(_ bytes: UnsafeBufferPointer<UInt8>) throws(TraceContextError) -> B3Extraction {
        let count = bytes.count
        if count == 0 { throw TraceContextError(.empty, field: .b3, input: "") }
        if count == 1 {
            let sampling = try sampling(bytes[0], bytes: bytes)
            return .samplingOnly(sampling)
        }
        if count > maximumLength { throw TraceContextError(.tooLong, field: .b3, input: bytes, from: 0, count: count) }

        // Trace id: 16 or 32 characters, then '-'.
        guard let firstDash = firstIndex(of: UInt8(ascii: "-"), in: bytes, from: 0) else {
            throw TraceContextError(.truncated, field: .b3, input: bytes, from: 0, count: count)
        }
        guard firstDash == 16 || firstDash == 32 else {
            throw TraceContextError(.wrongLength(expected: "16 or 32"), field: .traceID, input: bytes, from: 0, count: firstDash)
        }
        let traceID = try TraceID.parse(bytes, from: 0, count: firstDash, field: .traceID)

        // Span id: 16 characters, then end or '-'.
        let spanStart = firstDash + 1
        let spanEnd = firstIndex(of: UInt8(ascii: "-"), in: bytes, from: spanStart) ?? count
        if spanEnd == spanStart { throw TraceContextError(.missingSpanID, field: .b3, input: bytes, from: 0, count: count) }
        let spanID = try SpanID.parse(bytes, from: spanStart, count: spanEnd - spanStart, field: .spanID)
        if spanEnd == count {
            return .context(SpanContext(traceID: traceID, spanID: spanID))
        }

        // Sampling: one character, then end or '-'.
        let samplingStart = spanEnd + 1
        guard samplingStart < count else {
            throw TraceContextError(.truncated, field: .b3, input: bytes, from: 0, count: count)
        }
        let samplingEnd = firstIndex(of: UInt8(ascii: "-"), in: bytes, from: samplingStart) ?? count
        guard samplingEnd - samplingStart == 1 else {
            throw TraceContextError(.invalidSampling, field: .b3, input: bytes, from: samplingStart, count: samplingEnd - samplingStart)
        }
        let sampling = try sampling(bytes[samplingStart], bytes: bytes)
        if samplingEnd == count {
            return .context(SpanContext(traceID: traceID, spanID: spanID, sampling: sampling))
        }

        // Parent span id: 16 characters to the end.
        let parentStart = samplingEnd + 1
        guard parentStart < count else {
            throw TraceContextError(.truncated, field: .b3, input: bytes, from: 0, count: count)
        }
        if firstIndex(of: UInt8(ascii: "-"), in: bytes, from: parentStart) != nil {
            throw TraceContextError(.tooLong, field: .b3, input: bytes, from: 0, count: count)
        }
        let parent = try SpanID.parse(bytes, from: parentStart, count: count - parentStart, field: .parentSpanID)
        return .context(SpanContext(traceID: traceID, spanID: spanID, parentSpanID: parent, sampling: sampling))
    }

    private static func sampling(_ byte: UInt8, bytes: UnsafeBufferPointer<UInt8>) throws(TraceContextError) -> SamplingState {
        switch byte {
        case UInt8(ascii: "1"): return .sampled
        case UInt8(ascii: "0"): return .notSampled
        case UInt8(ascii: "d"): return .debug
        default: throw TraceContextError(.invalidSampling, field: .b3, input: bytes, from: 0, count: bytes.count)
        }
    }

    private static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    /// The `b3` value for a context. A deferred decision omits the sampling field, and then the
    /// parent too, because the format only allows a parent after a sampling field.
    public static func value(for context: SpanContext) -> String {
        var result = context.traceID.hex
        result.reserveCapacity(68)
        result.append("-")
        result.append(context.spanID.hex)
        guard let flag = flag(context.sampling) else { return result }
        result.append("-")
        result.append(flag)
        if let parent = context.parentSpanID {
            result.append("-")
            result.append(parent.hex)
        }
        return result
    }

    /// The `b3` value for a decision without ids (`0`, `1` or `d`); nil for deferred.
    public static func value(for sampling: SamplingState) -> String? {
        flag(sampling)
    }

    private static func flag(_ sampling: SamplingState) -> String? {
        switch sampling {
        case .sampled: "1"
        case .notSampled: "0"
        case .debug: "d"
        case .deferred: nil
        }
    }
}

/// What a B3 header set carried: a full context, or only a sampling decision.
public enum B3Extraction: Hashable, Sendable {
    case context(SpanContext)
    case samplingOnly(SamplingState)

    public var context: SpanContext? {
        if case .context(let context) = self { return context }
        return nil
    }

    public var sampling: SamplingState {
        switch self {
        case .context(let context): context.sampling
        case .samplingOnly(let sampling): sampling
        }
    }
}
