/// A trace id, 64 or 128 bits, kept at the width it was received with.
///
/// B3 allows both widths and a proxy must not widen a 64-bit id it forwards (a 64-bit-only
/// peer downstream would then drop the trace). W3C `traceparent` always carries 128 bits, so
/// a 64-bit id is written there left-padded with zeros, as openzipkin and Envoy do.
public struct TraceID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The high 64 bits; zero for a 64-bit id.
    public let high: UInt64
    /// The low 64 bits.
    public let low: UInt64
    /// Whether the id was received (or created) as 128 bits.
    public let is128Bit: Bool

    /// Makes a 128-bit id. Nil when both halves are zero: an all-zero id is invalid everywhere.
    public init?(high: UInt64, low: UInt64) {
        guard high != 0 || low != 0 else { return nil }
        self.high = high
        self.low = low
        self.is128Bit = true
    }

    /// Makes a 64-bit id. Nil when zero.
    public init?(low: UInt64) {
        guard low != 0 else { return nil }
        self.high = 0
        self.low = low
        self.is128Bit = false
    }

    /// Parses 16 or 32 lower-hex characters, not all zero.
    public init(hex: String) throws(TraceContextError) {
        self = try hex.withUTF8Bytes { bytes throws(TraceContextError) in
            try TraceID.parse(bytes, from: 0, count: bytes.count, field: .traceID)
        }
    }

    @usableFromInline
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, count: Int, field: TraceContextError.Field) throws(TraceContextError) -> TraceID {
        switch count {
        case 16:
            guard let low = HexCoding.parseLowerHex(bytes, from: start, count: 16) else {
                throw TraceContextError(.notLowerHex, field: field, input: bytes, from: start, count: count)
            }
            guard let id = TraceID(low: low) else {
                throw TraceContextError(.allZero, field: field, input: bytes, from: start, count: count)
            }
            return id
        case 32:
            guard let high = HexCoding.parseLowerHex(bytes, from: start, count: 16),
                  let low = HexCoding.parseLowerHex(bytes, from: start + 16, count: 16) else {
                throw TraceContextError(.notLowerHex, field: field, input: bytes, from: start, count: count)
            }
            guard let id = TraceID(high: high, low: low) else {
                throw TraceContextError(.allZero, field: field, input: bytes, from: start, count: count)
            }
            return id
        default:
            throw TraceContextError(.wrongLength(expected: "16 or 32"), field: field, input: bytes, from: start, count: count)
        }
    }

    /// A new random id of the given width, never zero.
    public static func random<G: RandomNumberGenerator>(is128Bit: Bool = true, using generator: inout G) -> TraceID {
        while true {
            let low = generator.next() as UInt64
            if is128Bit {
                if let id = TraceID(high: generator.next(), low: low) { return id }
            } else if let id = TraceID(low: low) {
                return id
            }
        }
    }

    /// 16 or 32 lower-hex characters, as received.
    public var hex: String {
        is128Bit ? hex128 : HexCoding.string(low, width: 16)
    }

    /// Always 32 characters (W3C form): a 64-bit id is left-padded with zeros.
    public var hex128: String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            HexCoding.write(high, width: 16, into: buffer, at: 0)
            HexCoding.write(low, width: 16, into: buffer, at: 16)
            return 32
        }
    }

    public var description: String { hex }

    public static func < (lhs: TraceID, rhs: TraceID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
