import Synchronization

/// What the decoder saw in the tags of the spans before: per known key, the short value it had
/// and the known key that came after it.
///
/// The spans of one body mostly come from one sidecar or SDK, which writes the same keys in the
/// same order and repeats short values ("GET", "200", "HTTP/1.1", the node id) span after span.
/// Checking the bytes against the expected key or value is cheaper than scanning for the
/// closing quote and looking the key up; a miss costs the check and falls back to reading.
///
/// A decoder starts from what the previous body decoded in the process left (`takeShared`),
/// since the next body mostly comes from the same kind of sender: a three-span body from a
/// sidecar would otherwise pay the misses of its first span every time. What is remembered
/// only decides which check comes first; what is decoded never depends on it.
struct RecentTags {
    /// Per known key, the fingerprint of its last short value (length -1 when there is none),
    /// and the known key that followed it (-1 when not known; the entry after the last key is
    /// the first key of a tags object). Behind pointers, not arrays: these are written for
    /// every tag, and an array's uniqueness check on each write cost more than the write.
    private final class Storage: @unchecked Sendable {
        let valueFingerprints: UnsafeMutablePointer<ByteRunFingerprint>
        let successors: UnsafeMutablePointer<Int8>

        init() {
            valueFingerprints = .allocate(capacity: KnownTagKeys.keys.count)
            valueFingerprints.initialize(repeating: ByteRunFingerprint(head: 0, tail: 0, length: -1), count: KnownTagKeys.keys.count)
            successors = .allocate(capacity: KnownTagKeys.keys.count + 1)
            successors.initialize(repeating: -1, count: KnownTagKeys.keys.count + 1)
        }

        deinit {
            valueFingerprints.deallocate()
            successors.deallocate()
        }
    }

    private var storage: Storage?
    /// The size of the last span's tag records, to reserve for the next one; at most
    /// `largestReservation`, so one span with a huge tag does not make every later body
    /// reserve as much.
    var lastRecordsSize = 256
    static let largestReservation = 4096

    /// The number that stands for "before the first key".
    static let start = KnownTagKeys.keys.count

    /// The known key that followed `previous` (a known key or `start`) last time.
    @inline(__always)
    func predictedKey(after previous: Int) -> Int? {
        guard let storage else { return nil }
        assert(previous >= 0 && previous <= RecentTags.start)
        let next = Int(storage.successors[previous])
        return next >= 0 ? next : nil
    }

    @inline(__always)
    mutating func learn(_ key: Int, after previous: Int) {
        assert(key >= 0 && key < RecentTags.start && previous >= 0 && previous <= RecentTags.start)
        // Made on first write here and in `remember`: a helper that returned the storage cost a
        // retain and a release per tag (7 % more instructions per decoded span).
        if storage == nil { storage = Storage() }
        storage.unsafelyUnwrapped.successors[previous] = Int8(key)
    }

    /// The length of the last value of known key `key`, if the bytes at `position` spell it.
    @inline(__always)
    func valueLength(ofKey key: Int, ifSpelledIn bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> Int? {
        guard let storage else { return nil }
        assert(key >= 0 && key < RecentTags.start)
        let fingerprint = storage.valueFingerprints[key]
        guard fingerprint.length >= 0, fingerprint.matches(bytes, at: position) else { return nil }
        return fingerprint.length
    }

    /// Remembers `bytes[start..<end]` (unescaped, at most 16 bytes) as the value of known key
    /// `key`, for the spans that follow.
    @inline(__always)
    mutating func remember(valueOfKey key: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        assert(key >= 0 && key < RecentTags.start)
        if storage == nil { storage = Storage() }
        storage.unsafelyUnwrapped.valueFingerprints[key] = ByteRunFingerprint(bytes, start, end - start)
    }
}

extension RecentTags {
    private static let shared = Mutex(RecentTags())

    /// What the last finished decoder left (or a fresh start, if another decoder has it).
    static func takeShared() -> RecentTags {
        shared.withLock { kept in
            var taken = RecentTags()
            swap(&taken, &kept)
            return taken
        }
    }

    /// Leaves `recent` for the next decoder (moved: one decoder at a time writes to it).
    static func share(_ recent: inout RecentTags) {
        shared.withLock { kept in swap(&kept, &recent) }
    }
}
