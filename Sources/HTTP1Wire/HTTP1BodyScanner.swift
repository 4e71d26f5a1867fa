/// Follows a message body through the bytes that carry it and says where it ends, so a
/// proxy can pass the bytes on unchanged (chunked framing included) and know where the next
/// message starts. Reports the payload's ranges too, for a peer that cannot take chunked
/// framing (an HTTP/1.0 client).
///
/// Only the chunked framing's own bytes (sizes, CRLFs, trailers) are read one at a time;
/// chunk data and fixed-length bodies are skipped by their length.
public struct HTTP1BodyScanner: Sendable {
    enum State: Hashable, Sendable {
        case fixed(remaining: UInt64)
        case chunkSize(size: UInt64, digits: Int)
        case chunkExtension(size: UInt64)
        case chunkSizeLF(size: UInt64)
        case chunkData(remaining: UInt64)
        case chunkDataCR
        case chunkDataLF
        case trailerLineStart
        case trailerLine
        case trailerLF
        case lastLF
        case untilClose
        case done
    }

    private(set) var state: State
    /// Bytes of the current chunk-size line, and of the trailer section so far.
    private var lineBytes = 0
    private var trailerBytes = 0

    /// The longest chunk-size line (size and extensions) accepted.
    public static let maxChunkLineBytes = 4096
    /// The largest trailer section accepted.
    public static let maxTrailerBytes = 64 * 1024

    public init(_ length: HTTP1BodyLength) {
        switch length {
        case .none: state = .done
        case .fixed(let count): state = count == 0 ? .done : .fixed(remaining: count)
        case .chunked: state = .chunkSize(size: 0, digits: 0)
        case .untilClose: state = .untilClose
        }
    }

    /// The body has ended (never, for ``HTTP1BodyLength/untilClose``).
    public var isComplete: Bool {
        state == .done
    }

    /// The body ends when the connection closes (a response without a length).
    public var endsAtClose: Bool {
        state == .untilClose
    }

    /// Consumes the body's bytes at the start of `bytes`, stopping where the body ends, and
    /// returns how many it consumed. `data` is called with the ranges of payload among them.
    public mutating func scan(_ bytes: UnsafeRawBufferPointer, data: (Range<Int>) -> Void = { _ in }) throws(HTTP1ParseError) -> Int {
        var index = 0
        let count = bytes.count
        while index < count {
            switch state {
            case .done:
                return index
            case .untilClose:
                data(index..<count)
                return count
            case .fixed(let remaining):
                let take = Int(min(remaining, UInt64(count - index)))
                data(index..<(index + take))
                index += take
                state = remaining == UInt64(take) ? .done : .fixed(remaining: remaining - UInt64(take))
            case .chunkData(let remaining):
                let take = Int(min(remaining, UInt64(count - index)))
                data(index..<(index + take))
                index += take
                state = remaining == UInt64(take) ? .chunkDataCR : .chunkData(remaining: remaining - UInt64(take))
            case .chunkSize(let size, let digits):
                let byte = bytes[index]
                if let value = Self.hexValue(byte) {
                    guard digits < 15 else { throw HTTP1ParseError(.invalidChunkSize) }
                    state = .chunkSize(size: size << 4 | UInt64(value), digits: digits + 1)
                } else {
                    guard digits > 0 else { throw HTTP1ParseError(.invalidChunkSize) }
                    if byte == 0x0D {
                        state = .chunkSizeLF(size: size)
                    } else if byte == 0x3B || byte == 0x20 || byte == 0x09 {
                        state = .chunkExtension(size: size)
                    } else {
                        throw HTTP1ParseError(.invalidChunkSize)
                    }
                }
                try countLineByte()
                index += 1
            case .chunkExtension(let size):
                let byte = bytes[index]
                if byte == 0x0D {
                    state = .chunkSizeLF(size: size)
                } else if byte == 0x0A || (byte < 0x20 && byte != 0x09) || byte == 0x7F {
                    throw HTTP1ParseError(.invalidChunkSize)
                }
                try countLineByte()
                index += 1
            case .chunkSizeLF(let size):
                guard bytes[index] == 0x0A else { throw HTTP1ParseError(.invalidChunkSize) }
                index += 1
                lineBytes = 0
                state = size == 0 ? .trailerLineStart : .chunkData(remaining: size)
            case .chunkDataCR:
                guard bytes[index] == 0x0D else { throw HTTP1ParseError(.invalidChunkFraming) }
                index += 1
                state = .chunkDataLF
            case .chunkDataLF:
                guard bytes[index] == 0x0A else { throw HTTP1ParseError(.invalidChunkFraming) }
                index += 1
                state = .chunkSize(size: 0, digits: 0)
            case .trailerLineStart:
                if bytes[index] == 0x0D {
                    state = .lastLF
                    index += 1
                } else {
                    state = .trailerLine
                }
            case .trailerLine:
                let byte = bytes[index]
                if byte == 0x0D {
                    state = .trailerLF
                } else if byte == 0x0A || (byte < 0x20 && byte != 0x09) || byte == 0x7F {
                    throw HTTP1ParseError(.invalidChunkFraming)
                }
                try countTrailerByte()
                index += 1
            case .trailerLF:
                guard bytes[index] == 0x0A else { throw HTTP1ParseError(.invalidChunkFraming) }
                try countTrailerByte()
                index += 1
                state = .trailerLineStart
            case .lastLF:
                guard bytes[index] == 0x0A else { throw HTTP1ParseError(.invalidChunkFraming) }
                index += 1
                state = .done
            }
        }
        return index
    }

    private mutating func countLineByte() throws(HTTP1ParseError) {
        lineBytes += 1
        if lineBytes > Self.maxChunkLineBytes { throw HTTP1ParseError(.chunkLineTooLong) }
    }

    private mutating func countTrailerByte() throws(HTTP1ParseError) {
        trailerBytes += 1
        if trailerBytes > Self.maxTrailerBytes { throw HTTP1ParseError(.trailersTooLarge(limit: Self.maxTrailerBytes)) }
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
