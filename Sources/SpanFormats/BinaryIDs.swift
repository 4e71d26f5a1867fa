import TraceContext

/// Trace and span ids from the raw big-endian bytes protobuf formats carry them in.
enum BinaryIDs {
    /// Why a byte string is not an id; the caller names the field.
    enum Problem: Error, Equatable {
        case length(Int)
        case allZero

        func describe(_ field: String, expected: String) -> String {
            switch self {
            case .length(let count): "\(field) must be \(expected) bytes, got \(count)"
            case .allZero: "\(field) is all zeros, which no format accepts as an id"
            }
        }
    }

    /// 16 bytes make a 128-bit id; 8 bytes a 64-bit one. `keepWidth` false narrows a 16-byte id
    /// whose high half is zero to 64 bits, as zipkin2 does (`Span.Builder.traceId(high, low)`).
    static func traceID(_ bytes: some Collection<UInt8>, keepWidth: Bool) throws(Problem) -> TraceID {
        let count = bytes.count
        guard count == 8 || count == 16 else { throw .length(count) }
        let (high, low) = words(bytes, count: count)
        let id = count == 16 && (keepWidth || high != 0) ? TraceID(high: high, low: low) : TraceID(low: low)
        guard let id else { throw .allZero }
        return id
    }

    /// Exactly 8 bytes, not all zero.
    static func spanID(_ bytes: some Collection<UInt8>) throws(Problem) -> SpanID {
        let count = bytes.count
        guard count == 8 else { throw .length(count) }
        guard let id = SpanID(words(bytes, count: count).low) else { throw .allZero }
        return id
    }

    /// Empty (no parent) or a span id.
    static func parentID(_ bytes: some Collection<UInt8>) throws(Problem) -> SpanID? {
        bytes.isEmpty ? nil : try spanID(bytes)
    }

    /// The last 8 bytes as `low` and the 8 before them (if any) as `high`, big-endian. No
    /// arrays or sets: three ids per span are read on every ingest (they were allocations each).
    @inline(__always)
    private static func words(_ bytes: some Collection<UInt8>, count: Int) -> (high: UInt64, low: UInt64) {
        var high: UInt64 = 0, low: UInt64 = 0
        var index = 0
        for byte in bytes {
            if index < count - 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
            index += 1
        }
        return (high, low)
    }
}
