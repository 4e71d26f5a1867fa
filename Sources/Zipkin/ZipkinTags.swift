/// A span's tags (zipkin2-api.yaml, `Tags`): string keys, each at most once, with string values,
/// kept in the order they were added.
///
/// Kept as one byte buffer of records rather than `String` pairs: a decoded span's fifteen
/// tags are then one allocation and no reference counting, where `String`s cost a validation,
/// often an allocation and a retain and release each — most of what decoding a span cost after
/// its bytes were scanned (docs/PERFORMANCE.md). A key that the decoder knows
/// (`KnownTagKeys`) is stored as its number and read back as the string literal. `String`s are
/// made when a tag is read; `forEachUTF8` reads the bytes without making any.
///
/// Keys and values compare by their UTF-8 bytes, as Zipkin's own model does (not by Unicode
/// canonical equivalence, as `String` does). Equality and hashing ignore the order, as they
/// would for a dictionary; the JSON encoder writes the tags in their order, so a span
/// round-trips to the same bytes.
public struct ZipkinTags: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public typealias Element = (key: String, value: String)

    /// Per tag: the key, as one byte (a known key's number) or `rawKeyMarker`, a little-endian
    /// `UInt32` length and the UTF-8 bytes; then the value, as a length and the UTF-8 bytes.
    private var records: [UInt8]
    public private(set) var count: Int

    static let rawKeyMarker: UInt8 = 0xFF

    public init() {
        records = []
        count = 0
    }

    /// The dictionary's pairs ordered by key, so equal dictionaries give equal tag orders.
    public init(_ dictionary: [String: String]) {
        self.init()
        for (key, value) in dictionary.sorted(by: { $0.key < $1.key }) { append(key, value) }
    }

    /// The pairs ordered by key, a later pair winning over an earlier one with the same key
    /// (a protobuf map read off the wire), without a dictionary in between.
    public init(orderingByKey pairs: [(key: String, value: String)]) {
        self.init()
        let order = pairs.indices.sorted { pairs[$0].key != pairs[$1].key ? pairs[$0].key < pairs[$1].key : $0 < $1 }
        for (position, index) in order.enumerated() {
            if position + 1 < order.count, pairs[order[position + 1]].key == pairs[index].key { continue }
            append(pairs[index].key, pairs[index].value)
        }
    }

    /// The tags whose UTF-8 keys and values lie in `buffer` (a protobuf map read off the wire),
    /// ordered by key bytes, a later pair winning over an earlier one with the same key, with no
    /// `String` made. Byte order is `String`'s order, and byte equality its equality, only for
    /// ASCII keys: a decoder that met another key uses `init(orderingByKey:)`.
    public init(orderingByKeyBytes pairs: [(key: Range<Int>, value: Range<Int>)], in buffer: UnsafeBufferPointer<UInt8>) {
        self.init()
        guard !pairs.isEmpty else { return }
        // Sorted by each key's first eight bytes as a big-endian number (zero-padded), then by
        // the whole key, then by position: most keys differ in their first bytes, so most
        // comparisons are one integer comparison.
        var order = pairs.indices.map { (prefix: Self.sortPrefix(buffer, pairs[$0].key), index: $0) }
        func less(_ left: (prefix: UInt64, index: Int), _ right: (prefix: UInt64, index: Int)) -> Bool {
            if left.prefix != right.prefix { return left.prefix < right.prefix }
            let a = pairs[left.index].key, b = pairs[right.index].key
            if a.count > 8 || b.count > 8 {
                for offset in 8..<Swift.min(a.count, b.count) {
                    let x = buffer[a.lowerBound + offset], y = buffer[b.lowerBound + offset]
                    if x != y { return x < y }
                }
            }
            return a.count != b.count ? a.count < b.count : left.index < right.index
        }
        if order.count <= 24 {
            // A span's dozen or so tags: insertion sort, no closure context or buffer juggling.
            for position in 1..<order.count {
                let entry = order[position]
                var slot = position
                while slot > 0, less(entry, order[slot - 1]) {
                    order[slot] = order[slot - 1]
                    slot -= 1
                }
                order[slot] = entry
            }
        } else {
            order.sort(by: less)
        }
        var size = 0
        for pair in pairs { size += 9 + pair.key.count + pair.value.count }
        records.reserveCapacity(size)
        for position in order.indices {
            let index = order[position].index
            let key = UnsafeBufferPointer(rebasing: buffer[pairs[index].key])
            if position + 1 < order.count, order[position + 1].prefix == order[position].prefix {
                let next = pairs[order[position + 1].index].key
                if next.count == key.count, buffer[next].elementsEqual(key) { continue }
            }
            Self.writeKey(key, into: &records)
            Self.writeValue(UnsafeBufferPointer(rebasing: buffer[pairs[index].value]), into: &records)
            count += 1
        }
    }

    /// The first eight bytes of `range` as a big-endian number, zero-padded: comparing two
    /// prefixes compares the keys' first eight bytes in byte order.
    @inline(__always)
    private static func sortPrefix(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        var prefix: UInt64 = 0
        for offset in 0..<8 {
            prefix <<= 8
            if offset < range.count { prefix |= UInt64(buffer[range.lowerBound + offset]) }
        }
        return prefix
    }

    /// Later pairs win over earlier ones with the same key (like JSON objects, unlike
    /// dictionary literals, which trap).
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init()
        records.reserveCapacity(elements.count * 24)
        for (key, value) in elements { self[key] = value }
    }

    /// Records written by the decoder; `count` of them, every key once.
    init(records: UnsafeBufferPointer<UInt8>, count: Int) {
        self.records = Array(records)
        self.count = count
    }

    public var isEmpty: Bool { count == 0 }
    public var keys: [String] { map(\.key) }
    public var values: [String] { map(\.value) }
    /// The same pairs as a dictionary, for APIs that want one.
    public var dictionary: [String: String] {
        Dictionary(map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    public func makeIterator() -> Iterator {
        Iterator(records: records)
    }

    public var underestimatedCount: Int { count }

    /// Room for about `capacity` tags of typical size.
    public mutating func reserveCapacity(_ capacity: Int) {
        records.reserveCapacity(capacity * 24)
    }

    /// The value of `key`; setting nil removes the tag, setting a new key appends it.
    public subscript(key: String) -> String? {
        get {
            var key = key
            return key.withUTF8 { keyBytes in
                records.withUnsafeBufferPointer { buffer in
                    Self.find(keyBytes, in: buffer).map { String(decoding: buffer[$0.value], as: UTF8.self) }
                }
            }
        }
        set {
            var keyCopy = key
            keyCopy.withUTF8 { keyBytes in
                guard var value = newValue else {
                    if let record = records.withUnsafeBufferPointer({ Self.find(keyBytes, in: $0) }) {
                        records.removeSubrange(record.start..<record.value.upperBound)
                        count -= 1
                    }
                    return
                }
                value.withUTF8 { set(utf8Key: keyBytes, value: $0) }
            }
        }
    }

    /// Sets the tag whose key is the UTF-8 bytes `key` to the UTF-8 bytes `value`: the
    /// subscript's setter for a decoder that holds text as bytes of its input, without making
    /// `String`s (OTLP attributes). The bytes must be UTF-8.
    public mutating func set(utf8Key key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        // The key's known number is looked up once, for the search and for a new record.
        let known = KnownTagKeys.table.lookup(key, 0, key.count)
        if let record = records.withUnsafeBufferPointer({ Self.find(knownKey: known ?? -1, keyBytes: key, in: $0) }) {
            var replacement: [UInt8] = []
            Self.writeValue(value, into: &replacement)
            records.replaceSubrange((record.value.lowerBound - 4)..<record.value.upperBound, with: replacement)
            return
        }
        Self.writeKey(key, known: known, into: &records)
        Self.writeValue(value, into: &records)
        count += 1
    }

    /// Calls `body` with each tag's key and value bytes, in order, without making `String`s
    /// (the encoder and the stores' search terms read tags this way).
    public func forEachUTF8(_ body: (_ key: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try records.withUnsafeBufferPointer { buffer in
            try KnownTagKeys.table.keyBytes.withUnsafeBufferPointer { knownKeyBytes in
                for record in Records(buffer) {
                    let key = record.knownKey >= 0
                        ? UnsafeBufferPointer(rebasing: knownKeyBytes[KnownTagKeys.table.keyBytesRange(record.knownKey)])
                        : UnsafeBufferPointer(rebasing: buffer[record.key])
                    try body(key, UnsafeBufferPointer(rebasing: buffer[record.value]))
                }
            }
        }
    }

    /// Adds `other`'s tags; for a key in both, `combine(old, new)` decides.
    public mutating func merge(_ other: ZipkinTags, uniquingKeysWith combine: (String, String) throws -> String) rethrows {
        for (key, value) in other {
            if let old = self[key] {
                self[key] = try combine(old, value)
            } else {
                append(key, value)
            }
        }
    }

    public var description: String {
        "[" + map { "\($0.key.debugDescription): \($0.value.debugDescription)" }.joined(separator: ", ") + "]"
    }

    /// Appends a tag whose key is known not to be present.
    private mutating func append(_ key: String, _ value: String) {
        var key = key
        var value = value
        key.withUTF8 { Self.writeKey($0, into: &records) }
        value.withUTF8 { Self.writeValue($0, into: &records) }
        count += 1
    }

    /// The same tags with each key once, the last value winning at the first position (what
    /// the decoder gives for a JSON object with a repeated key).
    func withoutRepeatedKeys() -> ZipkinTags {
        var tags = ZipkinTags()
        for (key, value) in self { tags[key] = value }
        return tags
    }

    // MARK: records

    struct Record {
        var start: Int
        /// The known key's number, or -1 for a key spelled out in `key`.
        var knownKey: Int
        var key: Range<Int>
        var value: Range<Int>
    }

    @inline(__always)
    static func record(in buffer: UnsafeBufferPointer<UInt8>, at start: Int) -> Record {
        let raw = UnsafeRawPointer(buffer.baseAddress!)
        var position = start + 1
        var knownKey = Int(buffer[start])
        var key = position..<position
        if buffer[start] == rawKeyMarker {
            knownKey = -1
            let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            key = (position + 4)..<(position + 4 + length)
            position = key.upperBound
        }
        let valueLength = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
        return Record(start: start, knownKey: knownKey, key: key, value: (position + 4)..<(position + 4 + valueLength))
    }

    /// The records of `buffer` before `end` (all of them by default), in order.
    struct Records: Sequence, IteratorProtocol {
        let buffer: UnsafeBufferPointer<UInt8>
        let end: Int
        var offset = 0

        init(_ buffer: UnsafeBufferPointer<UInt8>, before end: Int? = nil) {
            self.buffer = buffer
            self.end = end ?? buffer.count
        }

        @inline(__always)
        mutating func next() -> Record? {
            guard offset < end else { return nil }
            let record = ZipkinTags.record(in: buffer, at: offset)
            offset = record.value.upperBound
            return record
        }
    }

    /// The record whose key is `keyBytes`.
    static func find(_ keyBytes: UnsafeBufferPointer<UInt8>, in buffer: UnsafeBufferPointer<UInt8>) -> Record? {
        find(knownKey: KnownTagKeys.table.lookup(keyBytes, 0, keyBytes.count) ?? -1, keyBytes: keyBytes, in: buffer)
    }

    /// The record, before `end`, whose key is known key `knownKey` or, for -1, the other key
    /// spelled by `keyBytes`.
    static func find(knownKey: Int, keyBytes: UnsafeBufferPointer<UInt8>, in buffer: UnsafeBufferPointer<UInt8>, before end: Int? = nil) -> Record? {
        for record in Records(buffer, before: end) where record.knownKey == knownKey {
            if knownKey >= 0 || (record.key.count == keyBytes.count && buffer[record.key].elementsEqual(keyBytes)) {
                return record
            }
        }
        return nil
    }

    /// Writes a key record: the known key's number if `keyBytes` spells one, else the bytes.
    static func writeKey<Sink: TagRecordSink>(_ keyBytes: UnsafeBufferPointer<UInt8>, into sink: inout Sink) {
        writeKey(keyBytes, known: KnownTagKeys.table.lookup(keyBytes, 0, keyBytes.count), into: &sink)
    }

    /// Writes a key record whose known number (`KnownTagKeys`), if any, was looked up already.
    @inline(__always)
    static func writeKey<Sink: TagRecordSink>(_ keyBytes: UnsafeBufferPointer<UInt8>, known: Int?, into sink: inout Sink) {
        if let known {
            sink.appendByte(UInt8(known))
        } else {
            writeUnknownKey(keyBytes, into: &sink)
        }
    }

    /// Writes the key record of a key that spells no known key.
    @inline(__always)
    static func writeUnknownKey<Sink: TagRecordSink>(_ keyBytes: UnsafeBufferPointer<UInt8>, into sink: inout Sink) {
        sink.appendByte(rawKeyMarker)
        sink.appendLengthPrefixed(keyBytes)
    }

    /// Writes a value (or, with `asUnknownKey`, an unknown key's record) that lies inside a
    /// larger buffer with `readableBeyond` bytes after it, if it is all ASCII; otherwise writes
    /// nothing and returns false, and the caller validates it. Copying and checking in one pass
    /// is what makes a decoded tag cheap.
    @inline(__always)
    static func writeIfASCII(_ run: UnsafeBufferPointer<UInt8>, readableBeyond: Int, asUnknownKey: Bool, into writer: inout ByteWriter) -> Bool {
        let recordStart = writer.count
        if asUnknownKey { writer.byte(rawKeyMarker) }
        if writer.lengthPrefixed(run, readableBeyond: readableBeyond) { return true }
        writer.truncate(to: recordStart)
        return false
    }

    @inline(__always)
    static func writeValue<Sink: TagRecordSink>(_ valueBytes: UnsafeBufferPointer<UInt8>, into sink: inout Sink) {
        sink.appendLengthPrefixed(valueBytes)
    }

    /// Iterates the tags as `String` pairs, made as they are read.
    public struct Iterator: IteratorProtocol {
        let records: [UInt8]
        var offset = 0

        public mutating func next() -> Element? {
            guard offset < records.count else { return nil }
            let record = records.withUnsafeBufferPointer { ZipkinTags.record(in: $0, at: offset) }
            offset = record.value.upperBound
            return records.withUnsafeBufferPointer { buffer in
                let key = record.knownKey >= 0 ? KnownTagKeys.keys[record.knownKey] : String(decoding: buffer[record.key], as: UTF8.self)
                return (key, String(decoding: buffer[record.value], as: UTF8.self))
            }
        }
    }
}

/// Where tag records are written: the tags' own array, or the decoder's scratch buffer.
protocol TagRecordSink {
    mutating func appendByte(_ byte: UInt8)
    /// The bytes' count as a little-endian `UInt32`, then the bytes.
    mutating func appendLengthPrefixed(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension [UInt8]: TagRecordSink {
    mutating func appendByte(_ byte: UInt8) { append(byte) }
    mutating func appendLengthPrefixed(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bytes.count <= Int(UInt32.max), "a tag of 4 GiB or more")
        Swift.withUnsafeBytes(of: UInt32(truncatingIfNeeded: bytes.count).littleEndian) { append(contentsOf: $0) }
        append(contentsOf: bytes)
    }
}

extension ByteWriter: TagRecordSink {
    @inline(__always) mutating func appendByte(_ byte: UInt8) { self.byte(byte) }
    @inline(__always) mutating func appendLengthPrefixed(_ bytes: UnsafeBufferPointer<UInt8>) { _ = lengthPrefixed(bytes, readableBeyond: 0) }
}

extension ZipkinTags: Hashable {
    public static func == (lhs: ZipkinTags, rhs: ZipkinTags) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.records.withUnsafeBufferPointer { left in
            rhs.records.withUnsafeBufferPointer { right in
                ZipkinTags.Records(left).allSatisfy { record in
                    guard let other = ZipkinTags.find(knownKey: record.knownKey, keyBytes: UnsafeBufferPointer(rebasing: left[record.key]), in: right) else {
                        return false
                    }
                    return right[other.value].elementsEqual(left[record.value])
                }
            }
        }
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, like Dictionary's: the pairs' own hashes combined commutatively.
        var combined = 0
        records.withUnsafeBufferPointer { buffer in
            for record in ZipkinTags.Records(buffer) {
                var pairHasher = Hasher()
                // A known key is always stored as its number, so the number stands for its bytes.
                pairHasher.combine(record.knownKey)
                pairHasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[record.key])))
                pairHasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[record.value])))
                combined ^= pairHasher.finalize()
            }
        }
        hasher.combine(count)
        hasher.combine(combined)
    }
}
