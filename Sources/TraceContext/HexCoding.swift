/// Lower-case hexadecimal reading and writing over UTF-8 bytes.
///
/// Every propagation format in this module carries ids as lower-hex text; parsing them byte by
/// byte (rather than through `UInt64(_:radix:)` on substrings) keeps extraction allocation-free.
public enum HexCoding {
    /// The value of one lower-case hex digit, or nil for anything else (upper case included:
    /// B3 and W3C both require lower-hex, and accepting upper case would pass on ids that
    /// stricter peers reject).
    @inlinable
    static func lowerHexValue(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt64(byte &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt64(byte &- UInt8(ascii: "a") &+ 10)
        default: return nil
        }
    }

    /// The value of one hex digit of either case (only for formats that allow it, like UUIDs).
    @inlinable
    static func anyCaseHexValue(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt64(byte &- UInt8(ascii: "A") &+ 10)
        default: return lowerHexValue(byte)
        }
    }

    /// Reads up to 16 lower-hex digits as one integer; nil if any byte is not lower-hex.
    ///
    /// Eight digits at a time in one 64-bit word (SWAR): a B3 or W3C header carries 48–64
    /// digits, and a branch per digit was a third of B3 extraction. `start + count` must lie
    /// within `bytes` and `count` be at most 16.
    @inlinable
    public static func parseLowerHex(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, count: Int) -> UInt64? {
        precondition(count <= 16 && start >= 0 && start + count <= bytes.count, "hex run out of bounds")
        guard let base = bytes.baseAddress else { return count == 0 ? 0 : nil }
        let raw = UnsafeRawPointer(base + start)
        var value: UInt64 = 0
        var index = 0
        while index + 8 <= count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            guard let digits = eightLowerHexDigits(word) else { return nil }
            value = value << 32 | digits
            index += 8
        }
        while index < count {
            guard let digit = lowerHexValue(raw.load(fromByteOffset: index, as: UInt8.self)) else { return nil }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// The value of eight lower-hex digits loaded little-endian (first digit in the lowest
    /// byte), or nil if any byte is not `0-9a-f`.
    @inlinable
    static func eightLowerHexDigits(_ word: UInt64) -> UInt64? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // For bytes below 0x80, `byte + (0x80 - low)` has its high bit set iff byte >= low and
        // `byte + (0x7F - high)` iff byte > high; no sum carries into the next byte.
        func inRange(_ low: UInt64, _ high: UInt64) -> UInt64 {
            (word &+ ones &* (0x80 - low)) & ~(word &+ ones &* (0x7F - high)) & highs
        }
        guard word & highs == 0,
              inRange(0x30, 0x39) | inRange(0x61, 0x66) == highs else { return nil }
        // '0'…'9' are 0x30…0x39, 'a'…'f' are 0x61…0x66: the low nibble, plus 9 for letters.
        var nibbles = (word & 0x0F0F_0F0F_0F0F_0F0F) &+ ((word >> 6) & ones) &* 9
        // Pack the eight nibbles, first digit most significant: pairs, quads, then the two halves.
        nibbles = ((nibbles << 4) | (nibbles >> 8)) & 0x00FF_00FF_00FF_00FF
        nibbles = ((nibbles << 8) | (nibbles >> 16)) & 0x0000_FFFF_0000_FFFF
        return ((nibbles << 16) | (nibbles >> 32)) & 0xFFFF_FFFF
    }

    /// Writes `value` as exactly `width` lower-hex digits (left-padded with zeros; only the low
    /// `4 × width` bits are written).
    @inlinable
    static func write(_ value: UInt64, width: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        precondition(offset >= 0 && offset + width <= buffer.count, "hex write out of bounds")
        guard let base = buffer.baseAddress else { return }
        var remaining = value
        var end = offset + width
        // Eight digits per 64-bit store from the right, then single digits.
        while end - offset >= 8 {
            UnsafeMutableRawPointer(base + end - 8).storeBytes(of: eightDigitsASCII(UInt32(truncatingIfNeeded: remaining)).littleEndian, as: UInt64.self)
            remaining >>= 32
            end -= 8
        }
        while end > offset {
            let nibble = UInt8(truncatingIfNeeded: remaining & 0xF)
            base[end - 1] = nibble < 10 ? nibble &+ 0x30 : nibble &+ 0x57
            remaining >>= 4
            end -= 1
        }
    }

    /// Eight lower-hex digits of `value` as ASCII bytes, the first digit in the lowest byte.
    @inlinable
    static func eightDigitsASCII(_ value: UInt32) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        // Spread the nibbles one per byte, the most significant into the lowest byte.
        var x = UInt64(value)
        x = (x >> 16) | ((x & 0xFFFF) << 32)
        x = ((x >> 8) & 0x0000_00FF_0000_00FF) | ((x & 0x0000_00FF_0000_00FF) << 16)
        x = ((x >> 4) & 0x000F_000F_000F_000F) | ((x & 0x000F_000F_000F_000F) << 8)
        // Add '0' to every nibble and 39 more ('a' - '0' - 10) to those of 10 and above.
        let letters = ((x &+ ones &* 6) >> 4) & ones
        return x &+ ones &* 0x30 &+ letters &* 39
    }

    /// A string of `width` lower-hex digits.
    @inlinable
    static func string(_ value: UInt64, width: Int) -> String {
        String(unsafeUninitializedCapacity: width) { buffer in
            write(value, width: width, into: buffer, at: 0)
            return width
        }
    }
}

extension String {
    /// Runs `body` over the string's UTF-8 bytes without copying when the storage is native.
    @inlinable
    func withUTF8Bytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        // The standard library's accessors rethrow untyped errors, so carry the typed one out
        // in a Result.
        let wrapped: (UnsafeBufferPointer<UInt8>) -> Result<R, E> = { bytes in
            do throws(E) { return .success(try body(bytes)) } catch { return .failure(error) }
        }
        if let result = utf8.withContiguousStorageIfAvailable(wrapped) {
            return try result.get()
        }
        var copy = self
        return try copy.withUTF8(wrapped).get()
    }
}
