/// A 64-bit span id, never zero.
public struct SpanID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: UInt64

    /// Nil for zero, which every format treats as "no id".
    public init?(_ value: UInt64) {
        guard value != 0 else { return nil }
        self.value = value
    }

    /// Parses exactly 16 lower-hex characters, not all zero.
    public init(hex: String) throws(TraceContextError) {
        self = try hex.withUTF8Bytes { bytes throws(TraceContextError) in
            try SpanID.parse(bytes, from: 0, count: bytes.count, field: .spanID)
        }
    }

    @usableFromInline
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, count: Int, field: TraceContextError.Field) throws(TraceContextError) -> SpanID {
        guard count == 16 else {
            throw TraceContextError(.wrongLength(expected: "16"), field: field, input: bytes, from: start, count: count)
        }
        guard let value = HexCoding.parseLowerHex(bytes, from: start, count: 16) else {
            throw TraceContextError(.notLowerHex, field: field, input: bytes, from: start, count: count)
        }
        guard let id = SpanID(value) else {
            throw TraceContextError(.allZero, field: field, input: bytes, from: start, count: count)
        }
        return id
    }

    /// A new random id, never zero.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> SpanID {
        while true {
            if let id = SpanID(generator.next()) { return id }
        }
    }

    /// Exactly 16 lower-hex characters.
    public var hex: String { HexCoding.string(value, width: 16) }

    public var description: String { hex }

    public static func < (lhs: SpanID, rhs: SpanID) -> Bool { lhs.value < rhs.value }
}
