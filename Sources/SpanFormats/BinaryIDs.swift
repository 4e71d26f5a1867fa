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
        let words = try bigEndianWords(bytes, allowed: [8, 16])
        let id = words.count == 2 && (keepWidth || words[0] != 0)
            ? TraceID(high: words[0], low: words[1])
            : TraceID(low: words[words.count - 1])
        guard let id else { throw .allZero }
        return id
    }

    /// Exactly 8 bytes, not all zero.
    static func spanID(_ bytes: some Collection<UInt8>) throws(Problem) -> SpanID {
        let words = try bigEndianWords(bytes, allowed: [8])
        guard let id = SpanID(words[0]) else { throw .allZero }
        return id
    }

    /// Empty (no parent) or a span id.
    static func parentID(_ bytes: some Collection<UInt8>) throws(Problem) -> SpanID? {
        bytes.isEmpty ? nil : try spanID(bytes)
    }

    private static func bigEndianWords(_ bytes: some Collection<UInt8>, allowed: Set<Int>) throws(Problem) -> [UInt64] {
        guard allowed.contains(bytes.count) else { throw .length(bytes.count) }
        var words: [UInt64] = []
        var word: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            word = word << 8 | UInt64(byte)
            if index % 8 == 7 {
                words.append(word)
                word = 0
            }
        }
        return words
    }
}
