/// Lower-case hexadecimal reading and writing over UTF-8 bytes.
///
/// Every propagation format in this module carries ids as lower-hex text; parsing them byte by
/// byte (rather than through `UInt64(_:radix:)` on substrings) keeps extraction allocation-free.
@usableFromInline
enum HexCoding {
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
    @inlinable
    static func parseLowerHex(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, count: Int) -> UInt64? {
        var value: UInt64 = 0
        var index = start
        let end = start + count
        while index < end {
            guard let digit = lowerHexValue(bytes[index]) else { return nil }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    @usableFromInline
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes `value` as exactly `width` lower-hex digits (left-padded with zeros).
    @inlinable
    static func write(_ value: UInt64, width: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var remaining = value
        var index = offset + width - 1
        while index >= offset {
            buffer[index] = digits[Int(remaining & 0xF)]
            remaining >>= 4
            index -= 1
        }
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
