/// Why a propagation header could not be read.
///
/// Carries the offending input (truncated to a readable length) so logs and span tags can say
/// exactly what a peer sent. Extraction treats any of these as "header absent": an invalid
/// context is never continued and never forwarded as if valid.
public struct TraceContextError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// Empty where a value is required.
        case empty
        /// Length differs from what the format requires.
        case wrongLength(expected: String)
        /// Not lower-case hexadecimal (upper case included).
        case notLowerHex
        /// An id of all zeros, which every format reserves for "none".
        case allZero
        /// The value has fewer fields than the format requires.
        case truncated
        /// The value has more fields, or more characters, than the format allows.
        case tooLong
        /// A sampling field that is not one of the format's values.
        case invalidSampling
        /// A trace id arrived without the span id it needs.
        case missingSpanID
        /// A span id arrived without the trace id it needs.
        case missingTraceID
        /// A separator is missing or misplaced.
        case malformed
        /// W3C version `ff`, which the spec forbids.
        case forbiddenVersion
        /// A `tracestate` list member breaks the key or value rules, or a key repeats.
        case invalidListMember
        /// A `tracestate` with more than 32 list members.
        case tooManyListMembers
        /// Not a UUID (8-4-4-4-12 hex digits).
        case notUUID
    }

    /// Which part of which header was wrong.
    public enum Field: String, Hashable, Sendable {
        case traceID = "trace id"
        case spanID = "span id"
        case parentSpanID = "parent span id"
        case sampled = "x-b3-sampled"
        case flags = "x-b3-flags"
        case b3 = "b3"
        case traceparent = "traceparent"
        case tracestate = "tracestate"
        case uberTraceID = "uber-trace-id"
        case otSpanContext = "x-ot-span-context"
        case requestID = "x-request-id"
    }

    public var reason: Reason
    public var field: Field
    /// The offending input, cut to 64 characters.
    public var input: String

    public init(_ reason: Reason, field: Field, input: String) {
        self.reason = reason
        self.field = field
        self.input = TraceContextError.shortened(input)
    }

    /// The first 64 characters of `input`. `utf8.count` is O(1) for native strings, so a 10 MB
    /// header costs nothing here (`count` would walk every grapheme).
    static func shortened(_ input: String) -> String {
        guard input.utf8.count > 64 else { return input }
        let prefix = input.prefix(64)
        return prefix.endIndex == input.endIndex ? input : String(prefix) + "…"
    }

    @usableFromInline
    init(_ reason: Reason, field: Field, input bytes: UnsafeBufferPointer<UInt8>, from start: Int, count: Int) {
        let end = min(start + count, bytes.count, start + 64)
        let slice = UnsafeBufferPointer(rebasing: bytes[max(0, min(start, end))..<end])
        self.init(reason, field: field, input: String(decoding: slice, as: UTF8.self) + (count > 64 ? "…" : ""))
    }

    public var description: String {
        let why: String
        switch reason {
        case .empty: why = "is empty"
        case .wrongLength(let expected): why = "must be \(expected) characters long"
        case .notLowerHex: why = "must be lower-case hex"
        case .allZero: why = "must not be all zeros"
        case .truncated: why = "is truncated"
        case .tooLong: why = "is too long"
        case .invalidSampling: why = "has an invalid sampling state"
        case .missingSpanID: why = "has a trace id but no span id"
        case .missingTraceID: why = "has a span id but no trace id"
        case .malformed: why = "is malformed"
        case .forbiddenVersion: why = "uses the forbidden version ff"
        case .invalidListMember: why = "has an invalid or duplicate list member"
        case .tooManyListMembers: why = "has more than 32 list members"
        case .notUUID: why = "is not a UUID"
        }
        return "\(field.rawValue) \(why): '\(input)'"
    }
}
