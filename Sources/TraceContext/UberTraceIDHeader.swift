/// Jaeger's `uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}`.
///
/// Jaeger clients drop leading zeros from ids, so ids of 1–16 (span) or 1–32 (trace)
/// lower-hex digits are accepted and widened; a parent of `0` means none. Flags are decimal:
/// bit 1 sampled, bit 2 debug. The value may arrive URL-encoded (`%3A` for `:`).
public enum UberTraceIDHeader {
    public static func extract(_ rawValue: String) throws(TraceContextError) -> SpanContext {
        let value = rawValue.contains("%") ? rawValue.replacingPercentEncodedColons() : rawValue
        if value.isEmpty { throw TraceContextError(.empty, field: .uberTraceID, input: rawValue) }
        if value.utf8.count > 32 + 16 + 16 + 3 + 3 { throw TraceContextError(.tooLong, field: .uberTraceID, input: rawValue) }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4 else {
            throw TraceContextError(parts.count < 4 ? .truncated : .tooLong, field: .uberTraceID, input: rawValue)
        }
        let traceHex = parts[0], spanHex = parts[1], parentHex = parts[2], flagsText = parts[3]
        guard (1...32).contains(traceHex.utf8.count) else {
            throw TraceContextError(.wrongLength(expected: "1 to 32"), field: .traceID, input: String(traceHex))
        }
        guard (1...16).contains(spanHex.utf8.count) else {
            throw TraceContextError(.wrongLength(expected: "1 to 16"), field: .spanID, input: String(spanHex))
        }
        guard (1...16).contains(parentHex.utf8.count) else {
            throw TraceContextError(.wrongLength(expected: "1 to 16"), field: .parentSpanID, input: String(parentHex))
        }
        let is128 = traceHex.utf8.count > 16
        let paddedTrace = String(repeating: "0", count: (is128 ? 32 : 16) - traceHex.utf8.count) + traceHex
        let traceID = try TraceID(hex: paddedTrace)
        let spanID = try SpanID(hex: String(repeating: "0", count: 16 - spanHex.utf8.count) + spanHex)
        // A parent of zero, written as `0` or at full width, means "root span" to Jaeger.
        var parent: SpanID?
        if parentHex.utf8.contains(where: { $0 != UInt8(ascii: "0") }) {
            parent = try SpanID(hex: String(repeating: "0", count: 16 - parentHex.utf8.count) + parentHex)
        }
        guard let flags = UInt8(flagsText) else {
            throw TraceContextError(.invalidSampling, field: .uberTraceID, input: String(flagsText))
        }
        let sampling: SamplingState = flags & 0x2 != 0 ? .debug : (flags & 0x1 != 0 ? .sampled : .notSampled)
        return SpanContext(traceID: traceID, spanID: spanID, parentSpanID: parent, sampling: sampling)
    }

    /// The header value, ids at full width (Jaeger accepts either).
    public static func value(for context: SpanContext) -> String {
        let flags: Int
        switch context.sampling {
        case .debug: flags = 3
        case .sampled: flags = 1
        case .notSampled, .deferred: flags = 0
        }
        return "\(context.traceID.hex):\(context.spanID.hex):\(context.parentSpanID?.hex ?? "0"):\(flags)"
    }
}

extension String {
    /// Decodes `%3A`/`%3a` to `:` (Jaeger clients may URL-encode the header value).
    func replacingPercentEncodedColons() -> String {
        var output: [UInt8] = []
        let bytes = Array(utf8)
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "3"),
               bytes[index + 2] == UInt8(ascii: "A") || bytes[index + 2] == UInt8(ascii: "a") {
                output.append(UInt8(ascii: ":"))
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
