/// Reads HTTP/1.x heads off the wire, strictly (RFC 9112): CRLF line ends only, no obsolete
/// line folding, no whitespace before a colon, no control bytes in names or values. A proxy
/// that is lenient where the server behind it is strict (or the other way round) is how
/// requests get smuggled, so anything ambiguous is refused rather than repaired.
public enum HTTP1HeadParser {
    /// The length of the head at the start of `bytes` (through the blank line's CRLF), or nil
    /// while its end has not arrived. `from` skips bytes already searched.
    public static func headLength(in bytes: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var index = max(from, 3)
        while index < count {
            // Eight bytes at a time while none of them is LF (the head's lines are long).
            while index + 8 <= count {
                let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
                let found = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
                if found != 0 {
                    index += found.trailingZeroBitCount >> 3
                    break
                }
                index += 8
            }
            guard index < count else { return nil }
            if bytes[index] == lf, bytes[index - 1] == cr, bytes[index - 2] == lf, bytes[index - 3] == cr {
                return index + 1
            }
            index += 1
        }
        return nil
    }

    /// Parses a request head (`bytes` is the head exactly, as ``headLength(in:from:)`` found it).
    public static func request(_ bytes: [UInt8]) throws(HTTP1ParseError) -> HTTP1RequestHead {
        let parsed: (method: Range<Int>, target: Range<Int>, minor: Int, fields: [HTTP1Field]) = try bytes.withUnsafeBufferPointer { (all) throws(HTTP1ParseError) in
            var index = 0
            while index < all.count, isToken(all[index]) { index += 1 }
            let method = 0..<index
            guard !method.isEmpty, index < all.count, all[index] == space else { throw HTTP1ParseError(.invalidRequestLine) }
            index += 1
            let targetStart = index
            while index < all.count, all[index] > space, all[index] < 0x7F { index += 1 }
            let target = targetStart..<index
            guard !target.isEmpty, index < all.count, all[index] == space else { throw HTTP1ParseError(.invalidRequestLine) }
            index += 1
            let minor = try version(all, at: &index)
            guard index + 1 < all.count, all[index] == cr, all[index + 1] == lf else { throw HTTP1ParseError(.invalidRequestLine) }
            index += 2
            let fields = try fields(all, from: index)
            return (method, target, minor, fields)
        }
        if parsed.method.count == 7, bytes[parsed.method].elementsEqual("CONNECT".utf8) {
            throw HTTP1ParseError(.unsupportedMethod("CONNECT"))
        }
        return HTTP1RequestHead(fields: HTTP1Fields(bytes: bytes, fields: parsed.fields), method: parsed.method, target: parsed.target, minorVersion: parsed.minor)
    }

    /// Parses a response head (`bytes` is the head exactly).
    public static func response(_ bytes: [UInt8]) throws(HTTP1ParseError) -> HTTP1ResponseHead {
        try bytes.withUnsafeBufferPointer { (all) throws(HTTP1ParseError) in
            var index = 0
            let minor: Int
            do {
                minor = try version(all, at: &index)
            } catch {
                throw HTTP1ParseError(.invalidStatusLine)
            }
            guard index + 4 <= all.count, all[index] == space else { throw HTTP1ParseError(.invalidStatusLine) }
            let textStart = index + 1
            var status = 0
            for offset in 1...3 {
                let digit = all[index + offset]
                guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { throw HTTP1ParseError(.invalidStatusLine) }
                status = status * 10 + Int(digit - UInt8(ascii: "0"))
            }
            index += 4
            guard status >= 100 else { throw HTTP1ParseError(.invalidStatusLine) }
            if index < all.count, all[index] == space {
                index += 1
                while index < all.count, all[index] == tab || (all[index] >= space && all[index] != 0x7F) { index += 1 }
            }
            let textEnd = index
            guard index + 1 < all.count, all[index] == cr, all[index + 1] == lf else { throw HTTP1ParseError(.invalidStatusLine) }
            index += 2
            let fields = try fields(all, from: index)
            return HTTP1ResponseHead(
                fields: HTTP1Fields(bytes: bytes, fields: fields), status: status, minorVersion: minor,
                statusText: textStart..<textEnd, fieldsStart: index
            )
        }
    }

    /// `HTTP/1.0` or `HTTP/1.1`; another `HTTP/x.y` is unsupported, anything else malformed.
    private static func version(_ all: UnsafeBufferPointer<UInt8>, at index: inout Int) throws(HTTP1ParseError) -> Int {
        guard index + 8 <= all.count,
              all[index] == UInt8(ascii: "H"), all[index + 1] == UInt8(ascii: "T"), all[index + 2] == UInt8(ascii: "T"),
              all[index + 3] == UInt8(ascii: "P"), all[index + 4] == UInt8(ascii: "/"),
              isDigit(all[index + 5]), all[index + 6] == UInt8(ascii: "."), isDigit(all[index + 7])
        else { throw HTTP1ParseError(.invalidRequestLine) }
        guard all[index + 5] == UInt8(ascii: "1"), all[index + 7] <= UInt8(ascii: "1") else {
            throw HTTP1ParseError(.unsupportedVersion)
        }
        let minor = Int(all[index + 7] - UInt8(ascii: "0"))
        index += 8
        return minor
    }

    /// The field lines from `start` to the blank line that ends the head.
    ///
    /// Values are skipped eight bytes at a time while none of the eight is a control byte
    /// (CR, LF, HTAB, the others) or DEL; the byte that stops the skip is then looked at alone.
    private static func fields(_ all: UnsafeBufferPointer<UInt8>, from start: Int) throws(HTTP1ParseError) -> [HTTP1Field] {
        var fields: [HTTP1Field] = []
        fields.reserveCapacity(16)
        let count = all.count
        guard let base = all.baseAddress.map(UnsafeRawPointer.init) else { throw HTTP1ParseError(.missingColon(line: 1)) }
        var index = start
        var line = 1
        while index < count {
            let lineStart = index
            let first = all[index]
            if first == cr {
                guard index + 1 < count, all[index + 1] == lf else { throw HTTP1ParseError(.bareCarriageReturn(line: line)) }
                return fields
            }
            if first == space || first == tab { throw HTTP1ParseError(.obsoleteLineFolding(line: line)) }
            while index < count, isToken(all[index]) { index += 1 }
            let name = lineStart..<index
            guard index < count else { throw HTTP1ParseError(.missingColon(line: line)) }
            let after = all[index]
            if after != colon {
                if name.isEmpty || after == cr || after == lf {
                    if name.isEmpty, after != cr, after != lf { throw HTTP1ParseError(.invalidByteInName(after, line: line)) }
                    throw HTTP1ParseError(.missingColon(line: line))
                }
                if after == space || after == tab { throw HTTP1ParseError(.whitespaceBeforeColon(line: line)) }
                throw HTTP1ParseError(.invalidByteInName(after, line: line))
            }
            guard !name.isEmpty else { throw HTTP1ParseError(.invalidByteInName(colon, line: line)) }
            index += 1
            while index < count, all[index] == space || all[index] == tab { index += 1 }
            let valueStart = index
            while index < count {
                while index + 8 <= count {
                    let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    let controls = (word &- 0x2020_2020_2020_2020) & ~word
                    let deleted = word ^ 0x7F7F_7F7F_7F7F_7F7F
                    let deletes = (deleted &- 0x0101_0101_0101_0101) & ~deleted
                    let found = (controls | deletes) & 0x8080_8080_8080_8080
                    if found != 0 {
                        // The lowest flagged byte is exact (borrows only flag bytes above it).
                        index += found.trailingZeroBitCount >> 3
                        break
                    }
                    index += 8
                }
                guard index < count else { break }
                let byte = all[index]
                if byte == cr { break }
                if byte == lf { throw HTTP1ParseError(.bareLineFeed(line: line)) }
                if (byte < space && byte != tab) || byte == 0x7F {
                    throw HTTP1ParseError(.invalidByteInValue(byte, name: String(decoding: UnsafeBufferPointer(rebasing: all[name]), as: UTF8.self)))
                }
                index += 1
            }
            var valueEnd = index
            while valueEnd > valueStart, all[valueEnd - 1] == space || all[valueEnd - 1] == tab { valueEnd -= 1 }
            guard index + 1 < count, all[index + 1] == lf else { throw HTTP1ParseError(.bareCarriageReturn(line: line)) }
            index += 2
            let key = HTTP1Fields.nameKey(all, name)
            fields.append(HTTP1Field(
                name: name, value: valueStart..<valueEnd, line: lineStart..<index,
                known: HTTP1FieldName.classify(all, name, key: key), nameKey: key
            ))
            line += 1
        }
        throw HTTP1ParseError(.missingColon(line: line))
    }

    /// RFC 9110 §5.6.2 `tchar`, as a bitmap of the 128 ASCII bytes (none above is a tchar).
    @inline(__always)
    public static func isToken(_ byte: UInt8) -> Bool {
        let word: UInt64 = byte < 64 ? 0x03FF_6CFA_0000_0000 : (byte < 128 ? 0x57FF_FFFF_C7FF_FFFE : 0)
        return (word >> UInt64(byte & 63)) & 1 != 0
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static var cr: UInt8 { 0x0D }
    static var lf: UInt8 { 0x0A }
    static var space: UInt8 { 0x20 }
    static var tab: UInt8 { 0x09 }
    static var colon: UInt8 { 0x3A }
}
