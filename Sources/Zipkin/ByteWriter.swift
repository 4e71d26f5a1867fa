/// A growable byte buffer written through a raw pointer: the JSON encoder's output, and the
/// decoder's scratch space for a span's tag records.
///
/// `[UInt8].append` checks uniqueness and capacity on every byte, which was most of the
/// encoder's time; here each field reserves its worst case once and then stores bytes
/// directly. The owner must call `deallocate()` exactly once (the encoder and decoder do, with
/// `defer`).
struct ByteWriter {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var count = 0

    static let hexDigits: StaticString = "0123456789abcdef"

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 256)
        self.base = .allocate(capacity: self.capacity)
    }

    func deallocate() {
        base.deallocate()
    }

    /// The written bytes (valid until the next write or `deallocate`).
    var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base, count: count)
    }

    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        reserve(1)
        base[count] = value
        count += 1
    }

    /// `source`'s length as a little-endian `UInt32`, then its bytes; returns whether every
    /// byte was below 0x80. Copies a word at a time: tag values are mostly a few dozen bytes,
    /// where calling `memcpy` costs more than the copy. When `readableBeyond` bytes after
    /// `source` may be read too (it lies inside a larger buffer), the last partial word is
    /// loaded whole instead of byte by byte.
    @inline(__always)
    mutating func lengthPrefixed(_ source: UnsafeBufferPointer<UInt8>, readableBeyond: Int) -> Bool {
        let length = source.count
        precondition(length <= Int(UInt32.max), "a run of 4 GiB or more")
        reserve(4 + length + 8)
        let destination = UnsafeMutableRawPointer(base + count) + 4
        (destination - 4).storeBytes(of: UInt32(truncatingIfNeeded: length).littleEndian, as: UInt32.self)
        count += 4 + length
        guard let sourceBase = source.baseAddress else { return true }
        let from = UnsafeRawPointer(sourceBase)
        var bits: UInt64 = 0
        var index = 0
        while index + 8 <= length {
            let word = from.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            (destination + index).storeBytes(of: word, as: UInt64.self)
            bits |= word
            index += 8
        }
        let remaining = length - index
        if remaining > 0 {
            if remaining + readableBeyond >= 8 {
                // Bytes past the run land in reserved space past `count` and are masked out.
                let word = from.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                (destination + index).storeBytes(of: word, as: UInt64.self)
                bits |= word & ((1 << (UInt64(remaining) * 8)) &- 1)
            } else {
                for offset in index..<length {
                    destination.storeBytes(of: sourceBase[offset], toByteOffset: offset, as: UInt8.self)
                    bits |= UInt64(sourceBase[offset])
                }
            }
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    /// Stores one byte in space already reserved.
    @inline(__always)
    mutating func storeAtEnd(_ value: UInt8) {
        base[count] = value
        count += 1
    }

    /// Stores a word's bytes in memory order, in space already reserved.
    @inline(__always)
    mutating func storeWordAtEnd(_ value: UInt64) {
        UnsafeMutableRawPointer(base + count).storeBytes(of: value, as: UInt64.self)
        count += 8
    }

    /// Copies `source` into space already reserved.
    @inline(__always)
    mutating func appendReserved(_ source: UnsafeBufferPointer<UInt8>) {
        guard let sourceBase = source.baseAddress, !source.isEmpty else { return }
        (base + count).initialize(from: sourceBase, count: source.count)
        count += source.count
    }

    /// Forgets the bytes from `newCount` on (the capacity stays).
    @inline(__always)
    mutating func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count, "truncating past the end")
        count = newCount
    }

    @inline(__always)
    mutating func literal(_ text: StaticString) {
        let length = text.utf8CodeUnitCount
        reserve(length)
        (base + count).initialize(from: text.utf8Start, count: length)
        count += length
    }

    /// Sixteen lower-hex digits (a span id, or one half of a trace id).
    @inline(__always)
    mutating func hex16(_ value: UInt64) {
        reserve(16)
        let digits = ByteWriter.hexDigits.utf8Start
        var remaining = value
        var index = count + 15
        while index >= count {
            base[index] = digits[Int(remaining & 0xF)]
            remaining >>= 4
            index -= 1
        }
        count += 16
    }

    mutating func decimal(_ value: UInt64) {
        reserve(20)
        if value < 10 {
            base[count] = UInt8(ascii: "0") &+ UInt8(value)
            count += 1
            return
        }
        var length = 0
        var probe = value
        while probe > 0 {
            length += 1
            probe /= 10
        }
        var remaining = value
        var index = count + length - 1
        while remaining > 0 {
            base[index] = UInt8(ascii: "0") &+ UInt8(remaining % 10)
            remaining /= 10
            index -= 1
        }
        count += length
    }

    /// A quoted JSON string: `"`, `\` and control characters escaped, everything else (UTF-8
    /// included) copied as is.
    mutating func string(_ text: String) {
        if let done: Void = text.utf8.withContiguousStorageIfAvailable({ stringBytes($0) }) {
            return done
        }
        stringBytes(Array(text.utf8))
    }

    private mutating func stringBytes(_ source: Array<UInt8>) {
        source.withUnsafeBufferPointer { stringBytes($0) }
    }

    mutating func stringBytes(_ source: UnsafeBufferPointer<UInt8>) {
        // Worst case every byte becomes \u00XX.
        reserve(source.count * 6 + 2)
        base[count] = UInt8(ascii: "\"")
        count += 1
        var runStart = 0
        var index = 0
        let raw = UnsafeRawPointer(source.baseAddress)
        while index < source.count {
            // Eight bytes at a time while none of them needs an escape (nearly all text).
            if let raw, index + 8 <= source.count, !Self.needsEscape(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index += 8
                continue
            }
            let byte = source[index]
            index += 1
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            let escaped = index - 1
            copy(source, from: runStart, to: escaped)
            runStart = index
            base[count] = UInt8(ascii: "\\")
            switch byte {
            case UInt8(ascii: "\""): base[count + 1] = UInt8(ascii: "\""); count += 2
            case UInt8(ascii: "\\"): base[count + 1] = UInt8(ascii: "\\"); count += 2
            case 0x0A: base[count + 1] = UInt8(ascii: "n"); count += 2
            case 0x0D: base[count + 1] = UInt8(ascii: "r"); count += 2
            case 0x09: base[count + 1] = UInt8(ascii: "t"); count += 2
            default:
                let digits = ByteWriter.hexDigits.utf8Start
                base[count + 1] = UInt8(ascii: "u")
                base[count + 2] = UInt8(ascii: "0")
                base[count + 3] = UInt8(ascii: "0")
                base[count + 4] = digits[Int(byte >> 4)]
                base[count + 5] = digits[Int(byte & 0xF)]
                count += 6
            }
        }
        copy(source, from: runStart, to: source.count)
        base[count] = UInt8(ascii: "\"")
        count += 1
    }

    /// Whether any of the eight bytes of `word` is below 0x20, a quote or a backslash: the
    /// bit tricks for "has a byte less than n" and "has a zero byte" (exact for the word as a
    /// whole), the latter on the word xor-ed with the quote and with the backslash.
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        return control | ((quote &- ones) & ~quote & highs) | ((backslash &- ones) & ~backslash & highs) != 0
    }

    @inline(__always)
    private mutating func copy(_ source: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
        guard end > start, let sourceBase = source.baseAddress else { return }
        (base + count).initialize(from: sourceBase + start, count: end - start)
        count += end - start
    }
}

// MARK: protobuf wire format (ZipkinProto3Encoder)

extension ByteWriter {
    /// Bytes a base-128 varint of `value` takes (1…10).
    @inline(__always)
    static func varintSize(_ value: UInt64) -> Int {
        // Each 7 significant bits take a byte; zero takes one.
        (64 - (value | 1).leadingZeroBitCount + 6) / 7
    }

    /// A base-128 varint, least significant group first (protobuf's `uint64`, lengths, tags).
    @inline(__always)
    mutating func varint(_ value: UInt64) {
        reserve(10)
        var remaining = value
        while remaining >= 0x80 {
            storeAtEnd(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        storeAtEnd(UInt8(truncatingIfNeeded: remaining))
    }

    /// Eight bytes, little-endian (protobuf's `fixed64`).
    @inline(__always)
    mutating func fixed64(_ value: UInt64) {
        reserve(8)
        storeWordAtEnd(value.littleEndian)
    }

    /// Eight bytes, big-endian (trace and span ids as the binary formats carry them).
    @inline(__always)
    mutating func bigEndian64(_ value: UInt64) {
        reserve(8)
        storeWordAtEnd(value.bigEndian)
    }

    /// Copies `source` as it is.
    @inline(__always)
    mutating func raw(_ source: UnsafeBufferPointer<UInt8>) {
        reserve(source.count)
        appendReserved(source)
    }
}
