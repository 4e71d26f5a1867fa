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

    /// The shortest value that carries ids: a 64-bit trace id, `-`, a span id.
    static let minimumContextLength = 16 + 1 + 16

    // The checks follow Envoy's span context extractor so that both proxies refuse the same
    // inputs: length first (truncated / too long), then the trace id width from where the
    // separator sits, then each field in order.
    static func extract(_ bytes: UnsafeBufferPointer<UInt8>) throws(TraceContextError) -> B3Extraction {
        let count = bytes.count
        let dash = UInt8(ascii: "-")
        if count == 0 { throw TraceContextError(.empty, field: .b3, input: "") }
        if count == 1 {
            let sampling = try sampling(bytes[0], bytes: bytes)
            return .samplingOnly(sampling)
        }
        if count < minimumContextLength { throw TraceContextError(.truncated, field: .b3, input: bytes, from: 0, count: count) }
        if count > maximumLength { throw TraceContextError(.tooLong, field: .b3, input: bytes, from: 0, count: count) }

        // Trace id: 32 characters when a separator follows them, else 16.
        let traceLength = count > 32 && bytes[32] == dash ? 32 : 16
        let traceID = try TraceID.parse(bytes, from: 0, count: traceLength, field: .traceID)
        guard bytes[traceLength] == dash else {
            throw TraceContextError(.malformed, field: .b3, input: bytes, from: 0, count: count)
        }

        // Span id: 16 characters, then the end or '-'.
        let spanStart = traceLength + 1
        guard count - spanStart >= 16 else {
            throw TraceContextError(.truncated, field: .b3, input: bytes, from: 0, count: count)
        }
        let spanID = try SpanID.parse(bytes, from: spanStart, count: 16, field: .spanID)
        let spanEnd = spanStart + 16
        if spanEnd == count {
            return .context(SpanContext(traceID: traceID, spanID: spanID))
        }
        guard bytes[spanEnd] == dash else {
            throw TraceContextError(.malformed, field: .b3, input: bytes, from: 0, count: count)
        }

        // Sampling: one character, then the end or '-'.
        let samplingStart = spanEnd + 1
        guard samplingStart < count else {
            throw TraceContextError(.truncated, field: .b3, input: bytes, from: 0, count: count)
        }
        let samplingEnd = samplingStart + 1
        guard samplingEnd == count || bytes[samplingEnd] == dash else {
            let fieldEnd = firstIndex(of: dash, in: bytes, from: samplingStart) ?? count
            throw TraceContextError(.invalidSampling, field: .b3, input: bytes, from: samplingStart, count: fieldEnd - samplingStart)
        }
        let sampling = try sampling(bytes[samplingStart], bytes: bytes)
        if samplingEnd == count {
            return .context(SpanContext(traceID: traceID, spanID: spanID, sampling: sampling))
        }

        // Parent span id: exactly 16 characters to the end.
        let parentStart = samplingEnd + 1
        let parentLength = count - parentStart
        if parentLength < 16 { throw TraceContextError(.truncated, field: .b3, input: bytes, from: 0, count: count) }
        if parentLength > 16 { throw TraceContextError(.tooLong, field: .b3, input: bytes, from: 0, count: count) }
        let parent = try SpanID.parse(bytes, from: parentStart, count: 16, field: .parentSpanID)
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
        // One allocation: the digits are written straight into the string's storage.
        let traceLength = context.traceID.is128Bit ? 32 : 16
        let flag = flagByte(context.sampling)
        let parent = flag == nil ? nil : context.parentSpanID
        let length = traceLength + 17 + (flag == nil ? 0 : 2) + (parent == nil ? 0 : 17)
        return String(unsafeUninitializedCapacity: length) { buffer in
            var offset = 0
            if context.traceID.is128Bit {
                HexCoding.write(context.traceID.high, width: 16, into: buffer, at: 0)
                offset = 16
            }
            HexCoding.write(context.traceID.low, width: 16, into: buffer, at: offset)
            buffer[offset + 16] = UInt8(ascii: "-")
            HexCoding.write(context.spanID.value, width: 16, into: buffer, at: offset + 17)
            offset += 33
            if let flag {
                buffer[offset] = UInt8(ascii: "-")
                buffer[offset + 1] = flag
                offset += 2
                if let parent {
                    buffer[offset] = UInt8(ascii: "-")
                    HexCoding.write(parent.value, width: 16, into: buffer, at: offset + 1)
                    offset += 17
                }
            }
            return offset
        }
    }

    private static func flagByte(_ sampling: SamplingState) -> UInt8? {
        switch sampling {
        case .sampled: UInt8(ascii: "1")
        case .notSampled: UInt8(ascii: "0")
        case .debug: UInt8(ascii: "d")
        case .deferred: nil
        }
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
