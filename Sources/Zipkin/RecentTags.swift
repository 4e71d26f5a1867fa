/// What the decoder saw in the tags of the earlier spans of a body: per known key, the short
/// value it had and the known key that came after it.
///
/// The spans of one body mostly come from one sidecar or SDK, which writes the same keys in the
/// same order and repeats short values ("GET", "200", "HTTP/1.1", the node id) span after span.
/// Checking the bytes against the expected key or value is cheaper than scanning for the
/// closing quote, looking the key up and building the same `String` again; a miss costs the
/// check and falls back to reading.
struct RecentTags {
    /// Per known key, its last short value (the fingerprint's length is -1 when there is
    /// none), in two arrays so a check reads no `String`.
    private var valueFingerprints: [ByteRunFingerprint] = []
    private var values: [String] = []
    /// The known key that followed each known key; the last entry is the first key of a tags
    /// object. -1 when not known.
    private var successors: [Int8] = []

    /// The number that stands for "before the first key".
    static let start = KnownTagKeys.keys.count

    @inline(__always)
    private mutating func allocate() {
        if successors.isEmpty {
            valueFingerprints = Array(repeating: ByteRunFingerprint(head: 0, tail: 0, length: -1), count: KnownTagKeys.keys.count)
            values = Array(repeating: "", count: KnownTagKeys.keys.count)
            successors = Array(repeating: -1, count: KnownTagKeys.keys.count + 1)
        }
    }

    /// The known key that followed `previous` last time.
    @inline(__always)
    func predictedKey(after previous: Int) -> Int? {
        guard previous < successors.count else { return nil }
        let next = Int(successors[previous])
        return next >= 0 ? next : nil
    }

    @inline(__always)
    mutating func learn(_ key: Int, after previous: Int) {
        allocate()
        successors[previous] = Int8(key)
    }

    /// The last value of known key `key`, if the bytes at `position` spell it.
    @inline(__always)
    func value(ofKey key: Int, ifSpelledIn bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> (string: String, length: Int)? {
        guard key < valueFingerprints.count else { return nil }
        let fingerprint = valueFingerprints[key]
        guard fingerprint.length >= 0, fingerprint.matches(bytes, at: position) else { return nil }
        return (values[key], fingerprint.length)
    }

    /// The string spelled by `bytes[start..<end]` (unescaped, at most 16 bytes) as the value
    /// of known key `key`, remembered for the spans that follow.
    mutating func value(ofKey key: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        allocate()
        let fingerprint = ByteRunFingerprint(bytes, start, end - start)
        if valueFingerprints[key] == fingerprint { return values[key] }
        let string = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        valueFingerprints[key] = fingerprint
        values[key] = string
        return string
    }
}
