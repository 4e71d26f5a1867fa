import Testing
@testable import TraceContext

/// The word-at-a-time hex reader and writer against the obvious per-digit definition.
@Suite("lower-hex coding")
struct HexCodingTests {
    static let lowerHexBytes = Set("0123456789abcdef".utf8)

    /// Parses through a buffer padded on both sides, so a read outside the run would change
    /// the answer instead of passing unnoticed.
    static func parse(_ text: String) -> UInt64? {
        let padded = Array("ffffffff\(text)ffffffff".utf8)
        return padded.withUnsafeBufferPointer { HexCoding.parseLowerHex($0, from: 8, count: text.utf8.count) }
    }

    @Test("every width from 0 to 16 reads what UInt64(radix: 16) reads")
    func widths() {
        var generator = SplitMix64(seed: 7)
        for width in 0...16 {
            for _ in 0..<200 {
                let value = width == 16 ? generator.next() : generator.next() & ((1 << UInt64(4 * width)) - 1)
                let digits = String(value, radix: 16)
                let text = String(repeating: "0", count: max(0, width - digits.count)) + (width == 0 ? "" : digits)
                #expect(HexCodingTests.parse(text) == value, "\(text)")
            }
        }
    }

    @Test("any byte that is not 0-9a-f, at any of the 16 positions, is rejected")
    func everyByteAtEveryPosition() {
        let valid = Array("0123456789abcdef".utf8)
        var failures: [String] = []
        for position in 0..<16 {
            for byte in 0...255 {
                var bytes = valid
                bytes[position] = UInt8(byte)
                let parsed = bytes.withUnsafeBufferPointer { HexCoding.parseLowerHex($0, from: 0, count: 16) }
                let shouldParse = HexCodingTests.lowerHexBytes.contains(UInt8(byte))
                if (parsed != nil) != shouldParse {
                    failures.append("byte 0x\(String(byte, radix: 16)) at \(position)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test("upper case, high bytes and neighbours of the ranges are not hex", arguments: [
        "463AC35C9F6413AD", "463ac35c9f6413a/", "463ac35c9f6413a:", "463ac35c9f6413a`", "463ac35c9f6413ag",
        "463ac35c\u{7F}f6413ad", "463ac35c9f6413\u{E9}",
    ])
    func rejects(text: String) {
        #expect(HexCodingTests.parse(text) == nil)
    }

    @Test("writes every width zero-padded, as String(radix: 16) spells it")
    func writes() {
        var generator = SplitMix64(seed: 11)
        for width in 1...16 {
            for _ in 0..<200 {
                let value = generator.next()
                let masked = width == 16 ? value : value & ((1 << UInt64(4 * width)) - 1)
                let digits = String(masked, radix: 16)
                let expected = String(repeating: "0", count: width - digits.count) + digits
                // Written into the middle of a larger buffer: the bytes around must stay.
                var buffer = [UInt8](repeating: UInt8(ascii: "x"), count: width + 6)
                buffer.withUnsafeMutableBufferPointer { HexCoding.write(value, width: width, into: $0, at: 3) }
                #expect(String(decoding: buffer, as: UTF8.self) == "xxx" + expected + "xxx")
            }
        }
    }

    @Test("ids round-trip through their hex")
    func idRoundTrip() throws {
        var generator = SplitMix64(seed: 13)
        for _ in 0..<500 {
            let traceID = TraceID.random(using: &generator)
            #expect(try TraceID(hex: traceID.hex) == traceID)
            let spanID = SpanID.random(using: &generator)
            #expect(try SpanID(hex: spanID.hex) == spanID)
        }
    }
}
