/// W3C Trace Context `traceparent`: `{version}-{trace-id}-{parent-id}-{trace-flags}`
/// (W3C Trace Context Level 1, §3.2).
public enum TraceParentHeader {
    /// The length of a version-00 value.
    public static let length = 55

    /// Reads a `traceparent` value.
    ///
    /// Version 00 must be exactly 55 characters. A higher version is read as 00 when its first
    /// 55 characters parse and what follows starts with `-` (§3.2.4, "versioning of
    /// traceparent"); version `ff` is invalid.
    public static func extract(_ value: String) throws(TraceContextError) -> SpanContext {
        try value.withUTF8Bytes { bytes throws(TraceContextError) in try extract(bytes) }
    }

    static func extract(_ bytes: UnsafeBufferPointer<UInt8>) throws(TraceContextError) -> SpanContext {
        let count = bytes.count
        if count == 0 { throw TraceContextError(.empty, field: .traceparent, input: "") }
        guard count >= length else {
            throw TraceContextError(.truncated, field: .traceparent, input: bytes, from: 0, count: count)
        }
        guard let version = HexCoding.parseLowerHex(bytes, from: 0, count: 2) else {
            throw TraceContextError(.notLowerHex, field: .traceparent, input: bytes, from: 0, count: count)
        }
        if version == 0xff { throw TraceContextError(.forbiddenVersion, field: .traceparent, input: bytes, from: 0, count: count) }
        if version == 0 {
            guard count == length else { throw TraceContextError(.tooLong, field: .traceparent, input: bytes, from: 0, count: count) }
        } else if count > length && bytes[length] != UInt8(ascii: "-") {
            throw TraceContextError(.malformed, field: .traceparent, input: bytes, from: 0, count: count)
        }
        guard bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-") else {
            throw TraceContextError(.malformed, field: .traceparent, input: bytes, from: 0, count: count)
        }
        let traceID = try TraceID.parse(bytes, from: 3, count: 32, field: .traceID)
        let spanID = try SpanID.parse(bytes, from: 36, count: 16, field: .parentSpanID)
        guard let flags = HexCoding.parseLowerHex(bytes, from: 53, count: 2) else {
            throw TraceContextError(.notLowerHex, field: .traceparent, input: bytes, from: 0, count: count)
        }
        return SpanContext(traceID: traceID, spanID: spanID, sampling: flags & 0x01 == 1 ? .sampled : .notSampled)
    }

    /// The version-00 value for a context. W3C has no "deferred" and no debug: debug is written
    /// as sampled, deferred as not sampled (the receiver is then free to sample, §3.2.2.5).
    public static func value(for context: SpanContext) -> String {
        String(unsafeUninitializedCapacity: length) { buffer in
            buffer[0] = UInt8(ascii: "0")
            buffer[1] = UInt8(ascii: "0")
            buffer[2] = UInt8(ascii: "-")
            HexCoding.write(context.traceID.high, width: 16, into: buffer, at: 3)
            HexCoding.write(context.traceID.low, width: 16, into: buffer, at: 19)
            buffer[35] = UInt8(ascii: "-")
            HexCoding.write(context.spanID.value, width: 16, into: buffer, at: 36)
            buffer[52] = UInt8(ascii: "-")
            buffer[53] = UInt8(ascii: "0")
            buffer[54] = context.sampling.isSampled == true ? UInt8(ascii: "1") : UInt8(ascii: "0")
            return length
        }
    }
}
