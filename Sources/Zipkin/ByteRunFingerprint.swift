/// The length and the first and last eight bytes of a run of bytes: for runs of up to 16 bytes
/// these are all of its bytes, so two word compares decide equality.
///
/// The decoder uses it to recognise a tag key or a short value it has seen before without
/// scanning the bytes for the closing quote and building a `String`.
struct ByteRunFingerprint: Equatable {
    var head: UInt64
    var tail: UInt64
    var length: Int

    /// Runs this long or shorter are fully described by a fingerprint.
    static let exactLength = 16

    init(head: UInt64, tail: UInt64, length: Int) {
        self.head = head
        self.tail = tail
        self.length = length
    }

    @inline(__always)
    init(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) {
        precondition(start >= 0 && length >= 0 && start + length <= bytes.count, "run out of bounds")
        self.length = length
        guard let base = bytes.baseAddress, length > 0 else {
            head = 0
            tail = 0
            return
        }
        let raw = UnsafeRawPointer(base + start)
        if length >= 8 {
            head = raw.loadUnaligned(as: UInt64.self)
            tail = raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
        } else {
            var word: UInt64 = 0
            for index in 0..<length { word |= UInt64(base[start + index]) << UInt64(8 * index) }
            head = word
            tail = word
        }
    }

    /// Whether the `length` bytes at `position` have this fingerprint (false when they would
    /// run past the end). Exact for runs of up to `exactLength` bytes.
    @inline(__always)
    func matches(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
        guard position >= 0, position + length <= bytes.count else { return false }
        return ByteRunFingerprint(bytes, position, length) == self
    }
}
