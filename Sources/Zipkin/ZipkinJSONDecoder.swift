import TraceContext

/// Decodes Zipkin v2 JSON span lists (`POST /api/v2/spans` bodies, `GET /api/v2/trace/{id}`
/// answers) by walking the bytes once.
///
/// Written by hand because `JSONDecoder` measured ~45 k spans/s here against the ~300 k/s a
/// collector needs, and because its errors cannot name the byte offset. It accepts what real
/// tracers send: any key order, unknown keys (skipped), `null` for optional fields, tag values
/// that are numbers or booleans (kept as their text, as Jaeger's Zipkin receiver does), ids
/// shorter than 16/32 digits (left-padded, as openzipkin does). Malformed input is a
/// `ZipkinDecodingError`, never a trap.
public struct ZipkinJSONDecoder: Sendable {
    public init() {}

    /// Decodes a JSON array of spans.
    public func decodeSpans(_ bytes: [UInt8]) throws(ZipkinDecodingError) -> [ZipkinSpan] {
        try bytes.withUnsafeBufferPointer { buffer throws(ZipkinDecodingError) in
            var reader = JSONByteReader(buffer)
            defer { reader.deallocate() }
            return try reader.readSpanList()
        }
    }

    /// Decodes a JSON array of spans and gives, for each span, where its JSON object lies in
    /// `bytes`: a collector that keeps span JSON can store what it received instead of encoding
    /// every span again (a sixth of a one-core ingest). Decoding such a slice gives the span back.
    public func decodeSpansWithSources(_ bytes: [UInt8]) throws(ZipkinDecodingError) -> (spans: [ZipkinSpan], sources: [Range<Int>]) {
        try bytes.withUnsafeBufferPointer { buffer throws(ZipkinDecodingError) in
            var reader = JSONByteReader(buffer)
            defer { reader.deallocate() }
            var sources: [Range<Int>]? = []
            let spans = try reader.readSpanList(recording: &sources)
            return (spans, sources ?? [])
        }
    }

    public func decodeSpans(_ text: String) throws(ZipkinDecodingError) -> [ZipkinSpan] {
        try decodeSpans(Array(text.utf8))
    }

    /// Decodes one span object (what a single-span API answer or a test holds).
    public func decodeSpan(_ bytes: [UInt8]) throws(ZipkinDecodingError) -> ZipkinSpan {
        try bytes.withUnsafeBufferPointer { buffer throws(ZipkinDecodingError) in
            var reader = JSONByteReader(buffer)
            defer { reader.deallocate() }
            reader.skipWhitespace()
            let span = try reader.readSpan(index: 0)
            reader.skipWhitespace()
            if reader.offset != buffer.count { throw ZipkinDecodingError(.trailingBytes, offset: reader.offset) }
            return span
        }
    }
}

/// A cursor over JSON bytes with just the grammar Zipkin spans need, plus a generic skip for
/// fields it does not know.
struct JSONByteReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0
    // Static strings: the field and "expected" texts are set on every value read, and a
    // `String` there cost a retain and release each time (~3 % of decoding).
    var field: StaticString?
    var spanIndex: Int?
    var recentTags: RecentTags
    /// Where a span's tag records are built before they are copied into its `ZipkinTags`.
    var tagRecords = ByteWriter(capacity: 512)
    /// The last local and remote endpoint objects read: where their JSON lies and what it
    /// decoded to. The spans of a body mostly share them byte for byte, and comparing the
    /// bytes is cheaper than decoding the same endpoint again.
    var recentLocalEndpoint: (start: Int, count: Int, endpoint: ZipkinEndpoint?)?
    var recentRemoteEndpoint: (start: Int, count: Int, endpoint: ZipkinEndpoint?)?
    static let maximumDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        recentTags = RecentTags.takeShared()
    }

    /// Frees the scratch space and leaves what the tags taught for the next decoder; call
    /// once, when done.
    mutating func deallocate() {
        tagRecords.deallocate()
        RecentTags.share(&recentTags)
    }

    func error(_ reason: ZipkinDecodingError.Reason, at position: Int? = nil) -> ZipkinDecodingError {
        ZipkinDecodingError(reason, offset: position ?? offset, field: field.map { "\($0)" }, spanIndex: spanIndex)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09: offset += 1
            default: return
            }
        }
    }

    @inline(__always)
    mutating func peek() throws(ZipkinDecodingError) -> UInt8 {
        // Every JSON whitespace byte is ≤ 0x20: anything above needs no skipping.
        if offset < bytes.count && bytes[offset] > 0x20 { return bytes[offset] }
        skipWhitespace()
        guard offset < bytes.count else { throw error(.unexpectedEnd) }
        return bytes[offset]
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: StaticString) throws(ZipkinDecodingError) {
        // Compact JSON (what tracers send) has the byte right here: no whitespace to skip.
        if offset < bytes.count && bytes[offset] == byte {
            offset += 1
            return
        }
        let next = try peek()
        guard next == byte else { throw unexpectedByteError(next, expected: what) }
        offset += 1
    }

    /// Consumes `null` if it is next.
    mutating func consumeNull() throws(ZipkinDecodingError) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try expectLiteral("null")
        return true
    }

    mutating func expectLiteral(_ literal: StaticString) throws(ZipkinDecodingError) {
        let start = offset
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count else { throw error(.unexpectedEnd) }
        let pointer = literal.utf8Start
        for index in 0..<count where bytes[offset + index] != pointer[index] {
            throw error(.unexpectedByte(bytes[offset + index], expected: "\(literal)"), at: start + index)
        }
        offset += count
    }

    // MARK: spans

    mutating func readSpanList() throws(ZipkinDecodingError) -> [ZipkinSpan] {
        var sources: [Range<Int>]? = nil
        return try readSpanList(recording: &sources)
    }

    /// `recording`, when not nil, receives each span object's byte range.
    mutating func readSpanList(recording: inout [Range<Int>]?) throws(ZipkinDecodingError) -> [ZipkinSpan] {
        try expect(UInt8(ascii: "["), "'[' to open the span list")
        var spans: [ZipkinSpan] = []
        if try peek() == UInt8(ascii: "]") {
            offset += 1
        } else {
            while true {
                skipWhitespace()
                let start = offset
                spans.append(try readSpan(index: spans.count))
                recording?.append(start..<offset)
                let next = try peek()
                offset += 1
                if next == UInt8(ascii: "]") { break }
                guard next == UInt8(ascii: ",") else {
                    spanIndex = nil
                    throw error(.unexpectedByte(next, expected: "',' or ']' after a span"), at: offset - 1)
                }
            }
        }
        skipWhitespace()
        spanIndex = nil
        if offset != bytes.count { throw error(.trailingBytes) }
        return spans
    }

    mutating func readSpan(index: Int) throws(ZipkinDecodingError) -> ZipkinSpan {
        spanIndex = index
        field = nil
        let start = offset
        try expect(UInt8(ascii: "{"), "'{' to open a span")
        var traceID: TraceID?
        var id: SpanID?
        var parentID: SpanID?
        var name: String?
        var kind: ZipkinSpan.Kind?
        var timestamp: UInt64?
        var duration: UInt64?
        var localEndpoint: ZipkinEndpoint?
        var remoteEndpoint: ZipkinEndpoint?
        var annotations: [ZipkinAnnotation] = []
        var tags = ZipkinTags()
        var debug = false
        var shared = false

        if try peek() == UInt8(ascii: "}") {
            offset += 1
        } else {
            while true {
                let key = try readKey()
                switch key {
                case .traceId:
                    field = "traceId"
                    traceID = try readTraceID()
                case .id:
                    field = "id"
                    id = try readSpanID(allowNull: false)
                case .parentId:
                    field = "parentId"
                    parentID = try readSpanID(allowNull: true)
                case .name:
                    field = "name"
                    name = try readOptionalString()
                case .kind:
                    field = "kind"
                    if try !consumeNull() {
                        let (start, end, escaped) = try readRawString(expecting: "a span kind")
                        if !escaped && matches("CLIENT", start, end) { kind = .client }
                        else if !escaped && matches("SERVER", start, end) { kind = .server }
                        else if !escaped && matches("PRODUCER", start, end) { kind = .producer }
                        else if !escaped && matches("CONSUMER", start, end) { kind = .consumer }
                        else {
                            throw error(.invalidField("kind '\(text(start, end))' is not CLIENT, SERVER, PRODUCER or CONSUMER"), at: start)
                        }
                    }
                case .timestamp:
                    field = "timestamp"
                    timestamp = try readOptionalMicroseconds()
                case .duration:
                    field = "duration"
                    duration = try readOptionalMicroseconds()
                case .localEndpoint:
                    field = "localEndpoint"
                    localEndpoint = try readEndpoint(isRemote: false)
                case .remoteEndpoint:
                    field = "remoteEndpoint"
                    remoteEndpoint = try readEndpoint(isRemote: true)
                case .annotations:
                    field = "annotations"
                    annotations = try readAnnotations()
                case .tags:
                    field = "tags"
                    tags = try readTags()
                case .debug:
                    field = "debug"
                    debug = try readOptionalBool() ?? false
                case .shared:
                    field = "shared"
                    shared = try readOptionalBool() ?? false
                case .unknown:
                    try skipValue(depth: 1)
                }
                field = nil
                let next = try peek()
                offset += 1
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else {
                    throw error(.unexpectedByte(next, expected: "',' or '}' in a span"), at: offset - 1)
                }
            }
        }
        guard let traceID else { throw error(.missingField("traceId"), at: start) }
        guard let id else { throw error(.missingField("id"), at: start) }
        return ZipkinSpan(
            traceID: traceID, id: id, parentID: parentID, name: name, kind: kind,
            timestamp: timestamp, duration: duration,
            localEndpoint: localEndpoint, remoteEndpoint: remoteEndpoint,
            annotations: annotations, tags: tags, debug: debug, shared: shared
        )
    }

    enum SpanKey {
        case traceId, id, parentId, name, kind, timestamp, duration, localEndpoint, remoteEndpoint, annotations, tags, debug, shared, unknown
    }

    /// Consumes `literal` if the input continues with it. Compares words, not bytes: the
    /// literals are field names with their closing quote and colon, at most 16 bytes.
    @inline(__always)
    mutating func consumeLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count, let base = bytes.baseAddress else { return false }
        let input = UnsafeRawPointer(base + offset)
        let expected = UnsafeRawPointer(literal.utf8Start)
        let equal: Bool
        switch count {
        case 8...16:
            equal = input.loadUnaligned(as: UInt64.self) == expected.loadUnaligned(as: UInt64.self)
                && input.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == expected.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        case 4..<8:
            equal = input.loadUnaligned(as: UInt32.self) == expected.loadUnaligned(as: UInt32.self)
                && input.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == expected.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        default:
            equal = matches(literal, offset, offset + count)
        }
        if equal { offset += count }
        return equal
    }

    /// Reads an object key and its ':' and classifies it without allocating for the known ones.
    mutating func readKey() throws(ZipkinDecodingError) -> SpanKey {
        // Tracers name a field as `"traceId":` (pretty printers indent before it): recognise
        // the common spellings by their bytes before scanning for the closing quote.
        skipWhitespace()
        if offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\"") {
            switch bytes[offset + 1] {
            case UInt8(ascii: "t"):
                if consumeLiteral("\"traceId\":") { return .traceId }
                if consumeLiteral("\"timestamp\":") { return .timestamp }
                if consumeLiteral("\"tags\":") { return .tags }
            case UInt8(ascii: "i"): if consumeLiteral("\"id\":") { return .id }
            case UInt8(ascii: "p"): if consumeLiteral("\"parentId\":") { return .parentId }
            case UInt8(ascii: "n"): if consumeLiteral("\"name\":") { return .name }
            case UInt8(ascii: "k"): if consumeLiteral("\"kind\":") { return .kind }
            case UInt8(ascii: "d"):
                if consumeLiteral("\"duration\":") { return .duration }
                if consumeLiteral("\"debug\":") { return .debug }
            case UInt8(ascii: "l"): if consumeLiteral("\"localEndpoint\":") { return .localEndpoint }
            case UInt8(ascii: "r"): if consumeLiteral("\"remoteEndpoint\":") { return .remoteEndpoint }
            case UInt8(ascii: "a"): if consumeLiteral("\"annotations\":") { return .annotations }
            case UInt8(ascii: "s"): if consumeLiteral("\"shared\":") { return .shared }
            default: break
            }
        }
        let (start, end, escaped) = try readRawString(expecting: "a quoted field name")
        try expect(UInt8(ascii: ":"), "':' after a field name")
        if escaped { return .unknown }
        func matches(_ literal: StaticString) -> Bool { JSONByteReader.spells(literal, bytes, start, end) }
        switch end - start {
        case 2: return matches("id") ? .id : .unknown
        case 4:
            if matches("name") { return .name }
            if matches("kind") { return .kind }
            if matches("tags") { return .tags }
            return .unknown
        case 5: return matches("debug") ? .debug : .unknown
        case 6: return matches("shared") ? .shared : .unknown
        case 7: return matches("traceId") ? .traceId : .unknown
        case 8:
            if matches("parentId") { return .parentId }
            if matches("duration") { return .duration }
            return .unknown
        case 9: return matches("timestamp") ? .timestamp : .unknown
        case 11: return matches("annotations") ? .annotations : .unknown
        case 13: return matches("localEndpoint") ? .localEndpoint : .unknown
        case 14: return matches("remoteEndpoint") ? .remoteEndpoint : .unknown
        default: return .unknown
        }
    }

    /// Whether the bytes `start..<end` spell `literal`.
    @inline(__always)
    func matches(_ literal: StaticString, _ start: Int, _ end: Int) -> Bool {
        JSONByteReader.spells(literal, bytes, start, end)
    }

    /// Whether `bytes[start..<end]` spell `literal` (for the key enums, which have no reader).
    @inline(__always)
    static func spells(_ literal: StaticString, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard end - start == length else { return false }
        let pointer = literal.utf8Start
        for index in 0..<length where bytes[start + index] != pointer[index] { return false }
        return true
    }

    enum EndpointKey {
        case serviceName, ipv4, ipv6, port

        init?(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
            func matches(_ literal: StaticString) -> Bool { JSONByteReader.spells(literal, bytes, start, end) }
            if matches("serviceName") { self = .serviceName }
            else if matches("ipv4") { self = .ipv4 }
            else if matches("ipv6") { self = .ipv6 }
            else if matches("port") { self = .port }
            else { return nil }
        }
    }

    enum AnnotationKey {
        case timestamp, value
    }

    // MARK: ids

    mutating func readTraceID() throws(ZipkinDecodingError) -> TraceID {
        let (start, end, escaped) = try readRawString(expecting: "a hex trace id")
        let length = end - start
        guard !escaped, length >= 1, length <= 32 else {
            throw error(.invalidField("trace id must be 1 to 32 lower-hex characters"), at: start)
        }
        if length <= 16 {
            guard let low = HexCoding.parseLowerHex(bytes, from: start, count: length), let id = TraceID(low: low) else {
                throw error(.invalidField("trace id '\(text(start, end))' is not non-zero lower-hex"), at: start)
            }
            return id
        }
        let highLength = length - 16
        guard let high = HexCoding.parseLowerHex(bytes, from: start, count: highLength),
              let low = HexCoding.parseLowerHex(bytes, from: start + highLength, count: 16),
              let id = TraceID(high: high, low: low) else {
            throw error(.invalidField("trace id '\(text(start, end))' is not non-zero lower-hex"), at: start)
        }
        return id
    }

    mutating func readSpanID(allowNull: Bool) throws(ZipkinDecodingError) -> SpanID? {
        if allowNull, try consumeNull() { return nil }
        let (start, end, escaped) = try readRawString(expecting: "a hex span id")
        let length = end - start
        guard !escaped, length >= 1, length <= 16, let value = HexCoding.parseLowerHex(bytes, from: start, count: length) else {
            throw error(.invalidField("\(field.map { "\($0)" } ?? "id") '\(text(start, end))' must be 1 to 16 lower-hex characters"), at: start)
        }
        if let id = SpanID(value) { return id }
        // openzipkin reads an all-zero parentId as "no parent"; an all-zero id is invalid.
        if allowNull { return nil }
        throw error(.invalidField("id must not be all zeros"), at: start)
    }

    /// The bytes `start..<end` as text, cut to `limit` bytes (error messages show 64).
    func text(_ start: Int, _ end: Int, limit: Int? = 64) -> String {
        let stop = limit.map { min(end, start + $0) } ?? end
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<stop]), as: UTF8.self)
    }

    // MARK: endpoint, annotations, tags

    mutating func readEndpoint(isRemote: Bool) throws(ZipkinDecodingError) -> ZipkinEndpoint? {
        if try consumeNull() { return nil }
        // An object identical to the last one, through its closing brace, decodes the same.
        if let recent = isRemote ? recentRemoteEndpoint : recentLocalEndpoint,
           bytesEqual(recent.start, offset, count: recent.count) {
            offset += recent.count
            return recent.endpoint
        }
        let objectStart = offset
        let endpoint = try readEndpointObject(isRemote: isRemote)
        let recent = (start: objectStart, count: offset - objectStart, endpoint: endpoint)
        if isRemote { recentRemoteEndpoint = recent } else { recentLocalEndpoint = recent }
        return endpoint
    }

    /// Whether the `count` bytes at `first` equal those at `second` (all within the input).
    func bytesEqual(_ first: Int, _ second: Int, count: Int) -> Bool {
        guard second + count <= bytes.count, let base = bytes.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index + 8 <= count {
            if raw.loadUnaligned(fromByteOffset: first + index, as: UInt64.self) != raw.loadUnaligned(fromByteOffset: second + index, as: UInt64.self) {
                return false
            }
            index += 8
        }
        while index < count {
            if base[first + index] != base[second + index] { return false }
            index += 1
        }
        return true
    }

    mutating func readEndpointObject(isRemote: Bool) throws(ZipkinDecodingError) -> ZipkinEndpoint? {
        let outerField = field
        try expect(UInt8(ascii: "{"), "'{' to open an endpoint")
        var serviceName: String?
        var serviceNameIsLowercase = false
        var ipv4: String?
        var ipv6: String?
        var port: UInt16?
        if try peek() == UInt8(ascii: "}") {
            offset += 1
            return nil
        }
        while true {
            let key: EndpointKey?
            skipWhitespace()
            if consumeLiteral("\"serviceName\":") {
                key = .serviceName
            } else if consumeLiteral("\"ipv4\":") {
                key = .ipv4
            } else if consumeLiteral("\"port\":") {
                key = .port
            } else {
                let (start, end, escaped) = try readRawString(expecting: "a quoted field name")
                try expect(UInt8(ascii: ":"), "':' after a field name")
                key = escaped ? nil : EndpointKey(bytes, start, end)
            }
            switch key {
            case .serviceName?:
                field = isRemote ? "remoteEndpoint.serviceName" : "localEndpoint.serviceName"
                if try !consumeNull() {
                    let (start, end, escaped) = try readRawString(expecting: "a string")
                    if escaped {
                        serviceName = try unescape(start, end)
                        serviceNameIsLowercase = false
                    } else {
                        serviceName = text(start, end, limit: nil)
                        serviceNameIsLowercase = ZipkinEndpoint.isLowercase(bytes[start..<end])
                    }
                }
            case .ipv4?:
                field = isRemote ? "remoteEndpoint.ipv4" : "localEndpoint.ipv4"
                ipv4 = try readOptionalString()
            case .ipv6?:
                field = isRemote ? "remoteEndpoint.ipv6" : "localEndpoint.ipv6"
                ipv6 = try readOptionalString()
            case .port?:
                field = isRemote ? "remoteEndpoint.port" : "localEndpoint.port"
                let start = offset
                if let value = try readOptionalMicroseconds() {
                    guard value <= UInt64(UInt16.max) else { throw error(.invalidField("port \(value) is out of range"), at: start) }
                    port = UInt16(value)
                }
            case nil:
                try skipValue(depth: 2)
            }
            field = outerField
            let next = try peek()
            offset += 1
            if next == UInt8(ascii: "}") { break }
            guard next == UInt8(ascii: ",") else {
                throw error(.unexpectedByte(next, expected: "',' or '}' in an endpoint"), at: offset - 1)
            }
        }
        let endpoint = serviceNameIsLowercase
            ? ZipkinEndpoint(lowercaseServiceName: serviceName, ipv4: ipv4, ipv6: ipv6, port: port)
            : ZipkinEndpoint(serviceName: serviceName, ipv4: ipv4, ipv6: ipv6, port: port)
        return endpoint.isEmpty ? nil : endpoint
    }

    mutating func readAnnotations() throws(ZipkinDecodingError) -> [ZipkinAnnotation] {
        if try consumeNull() { return [] }
        try expect(UInt8(ascii: "["), "'[' to open the annotations")
        var annotations: [ZipkinAnnotation] = []
        if try peek() == UInt8(ascii: "]") {
            offset += 1
            return annotations
        }
        while true {
            let start = offset
            try expect(UInt8(ascii: "{"), "'{' to open an annotation")
            var timestamp: UInt64?
            var value: String?
            if try peek() != UInt8(ascii: "}") {
                while true {
                    let key: AnnotationKey?
                    skipWhitespace()
                    if consumeLiteral("\"timestamp\":") {
                        key = .timestamp
                    } else if consumeLiteral("\"value\":") {
                        key = .value
                    } else {
                        let (keyStart, keyEnd, escaped) = try readRawString(expecting: "a quoted field name")
                        try expect(UInt8(ascii: ":"), "':' after a field name")
                        if escaped { key = nil }
                        else if matches("timestamp", keyStart, keyEnd) { key = .timestamp }
                        else if matches("value", keyStart, keyEnd) { key = .value }
                        else { key = nil }
                    }
                    switch key {
                    case .timestamp?: timestamp = try readOptionalMicroseconds()
                    case .value?: value = try readOptionalString()
                    case nil: try skipValue(depth: 3)
                    }
                    let next = try peek()
                    if next == UInt8(ascii: "}") { break }
                    guard next == UInt8(ascii: ",") else {
                        throw error(.unexpectedByte(next, expected: "',' or '}' in an annotation"))
                    }
                    offset += 1
                }
            }
            offset += 1
            guard let timestamp, let value else {
                throw error(.invalidField("an annotation needs a timestamp and a value"), at: start)
            }
            annotations.append(ZipkinAnnotation(timestamp: timestamp, value: value))
            let next = try peek()
            offset += 1
            if next == UInt8(ascii: "]") { break }
            guard next == UInt8(ascii: ",") else {
                throw error(.unexpectedByte(next, expected: "',' or ']' in the annotations"), at: offset - 1)
            }
        }
        return annotations
    }

    /// Whether a quote, `length` bytes and a closing quote start at the cursor; the bytes in
    /// between are for the caller to compare.
    @inline(__always)
    func isQuotedRun(ofLength length: Int) -> Bool {
        let quote = UInt8(ascii: "\"")
        return offset + 1 + length < bytes.count && bytes[offset] == quote && bytes[offset + 1 + length] == quote
    }

    mutating func readTags() throws(ZipkinDecodingError) -> ZipkinTags {
        if try consumeNull() { return ZipkinTags() }
        try expect(UInt8(ascii: "{"), "'{' to open the tags")
        if try peek() == UInt8(ascii: "}") {
            offset += 1
            return ZipkinTags()
        }
        tagRecords.truncate(to: 0)
        tagRecords.reserve(recentTags.lastRecordsSize)
        var count = 0
        // Which keys were read already, so a repeated key (rare; the last value wins) is
        // noticed without searching the records for every key: one exact bit per known key,
        // and for other keys a one-word filter over (length, last byte), where a hit only
        // costs the search.
        var knownKeysSeen: UInt64 = 0
        var otherKeysSeen: UInt64 = 0
        var hasRepeatedKeys = false
        let knownKeys = KnownTagKeys.table
        let quote = UInt8(ascii: "\"")
        // The last known key read; other keys do not count, so a key that only some spans
        // carry does not break the prediction for the keys after it.
        var previousKnownKey = RecentTags.start
        while true {
            let recordStart = tagRecords.count
            var knownKey: Int?
            skipWhitespace()
            if let predicted = recentTags.predictedKey(after: previousKnownKey),
               isQuotedRun(ofLength: knownKeys.fingerprints[predicted].length),
               knownKeys.spells(predicted, bytes, at: offset + 1) {
                // The key that followed the previous one in the last span, spelled right here.
                knownKey = predicted
                offset += knownKeys.fingerprints[predicted].length + 2
            } else {
                let (keyStart, keyEnd, keyEscaped) = try readRawString(expecting: "a quoted tag name")
                if keyEscaped {
                    var key = try unescape(keyStart, keyEnd)
                    knownKey = key.withUTF8 { knownKeys.lookup($0, 0, $0.count) }
                    if knownKey == nil {
                        key.withUTF8 { ZipkinTags.writeUnknownKey($0, into: &tagRecords) }
                    }
                } else if let number = knownKeys.lookup(bytes, keyStart, keyEnd) {
                    knownKey = number
                } else {
                    writeText(keyStart, keyEnd, asUnknownKey: true)
                }
                if knownKey == nil {
                    let keyEnd = tagRecords.count
                    let bit: UInt64 = 1 << UInt64(((keyEnd &- recordStart) &* 7 &+ Int(tagRecords.base[keyEnd - 1])) & 63)
                    if otherKeysSeen & bit != 0 && !hasRepeatedKeys {
                        let written = ZipkinTags.record(in: tagRecords.bytes, at: recordStart)
                        hasRepeatedKeys = ZipkinTags.find(
                            knownKey: -1, keyBytes: UnsafeBufferPointer(rebasing: tagRecords.bytes[written.key]), in: tagRecords.bytes, before: recordStart) != nil
                    }
                    otherKeysSeen |= bit
                }
            }
            if let knownKey {
                let bit: UInt64 = 1 << UInt64(knownKey)
                if knownKeysSeen & bit != 0 { hasRepeatedKeys = true }
                knownKeysSeen |= bit
                recentTags.learn(knownKey, after: previousKnownKey)
                previousKnownKey = knownKey
                tagRecords.byte(UInt8(knownKey))
            }
            try expect(UInt8(ascii: ":"), "':' after a tag name")
            let next = try peek()
            switch next {
            case quote:
                if let knownKey, let length = recentTags.valueLength(ofKey: knownKey, ifSpelledIn: bytes, at: offset + 1),
                   isQuotedRun(ofLength: length) {
                    // The value this key had last time, spelled right here.
                    writeText(offset + 1, offset + 1 + length, asUnknownKey: false)
                    offset += length + 2
                } else {
                    let (start, end, escaped) = try readRawString(expecting: "a tag value")
                    if escaped {
                        var value = try unescape(start, end)
                        value.withUTF8 { ZipkinTags.writeValue($0, into: &tagRecords) }
                    } else {
                        if let knownKey, end - start <= ByteRunFingerprint.exactLength {
                            recentTags.remember(valueOfKey: knownKey, bytes, start, end)
                        }
                        writeText(start, end, asUnknownKey: false)
                    }
                }
            case UInt8(ascii: "t"):
                let start = offset
                try expectLiteral("true")
                writeText(start, offset, asUnknownKey: false)
            case UInt8(ascii: "f"):
                let start = offset
                try expectLiteral("false")
                writeText(start, offset, asUnknownKey: false)
            case UInt8(ascii: "n"):
                // A null value: no tag (the key's record goes).
                try expectLiteral("null")
                tagRecords.truncate(to: recordStart)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = offset
                try skipNumber()
                writeText(start, offset, asUnknownKey: false)
            default:
                throw error(.unexpectedByte(next, expected: "a string tag value"))
            }
            if tagRecords.count > recordStart { count += 1 }
            let separator = try peek()
            offset += 1
            if separator == UInt8(ascii: "}") { break }
            guard separator == UInt8(ascii: ",") else {
                throw error(.unexpectedByte(separator, expected: "',' or '}' in the tags"), at: offset - 1)
            }
        }
        recentTags.lastRecordsSize = min(tagRecords.count, RecentTags.largestReservation)
        let tags = ZipkinTags(records: tagRecords.bytes, count: count)
        return hasRepeatedKeys ? tags.withoutRepeatedKeys() : tags
    }

    /// Writes `bytes[start..<end]` (no escapes) as an unknown key's record or a value,
    /// repairing invalid UTF-8 as `String(decoding:)` does.
    @inline(__always)
    mutating func writeText(_ start: Int, _ end: Int, asUnknownKey: Bool) {
        let run = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if ZipkinTags.writeIfASCII(run, readableBeyond: bytes.count - end, asUnknownKey: asUnknownKey, into: &tagRecords) { return }
        writeRepaired(run, asUnknownKey: asUnknownKey)
    }

    @inline(never)
    mutating func writeRepaired(_ run: UnsafeBufferPointer<UInt8>, asUnknownKey: Bool) {
        var repaired = String(decoding: run, as: UTF8.self)
        repaired.withUTF8 { repaired in
            if asUnknownKey { ZipkinTags.writeUnknownKey(repaired, into: &tagRecords) } else { ZipkinTags.writeValue(repaired, into: &tagRecords) }
        }
    }

    // MARK: scalars

    mutating func readOptionalBool() throws(ZipkinDecodingError) -> Bool? {
        let next = try peek()
        switch next {
        case UInt8(ascii: "t"): try expectLiteral("true"); return true
        case UInt8(ascii: "f"): try expectLiteral("false"); return false
        case UInt8(ascii: "n"): try expectLiteral("null"); return nil
        default: throw error(.unexpectedByte(next, expected: "true or false"))
        }
    }

    /// A non-negative integer (epoch or duration microseconds). A fraction or exponent is
    /// accepted and truncated, since some exporters write doubles.
    mutating func readOptionalMicroseconds() throws(ZipkinDecodingError) -> UInt64? {
        if try consumeNull() { return nil }
        let start = offset
        var value: UInt64 = 0
        var digits = 0
        // Eight digits per step while there are eight (an epoch timestamp has sixteen).
        if let base = bytes.baseAddress {
            while offset + 8 <= bytes.count,
                  let eight = JSONByteReader.eightDigits(UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))) {
                let (multiplied, overflow1) = value.multipliedReportingOverflow(by: 100_000_000)
                let (added, overflow2) = multiplied.addingReportingOverflow(eight)
                if overflow1 || overflow2 { throw error(.invalidNumber(text(start, offset + 8)), at: start) }
                value = added
                digits += 8
                offset += 8
            }
        }
        while offset < bytes.count, bytes[offset] >= UInt8(ascii: "0"), bytes[offset] <= UInt8(ascii: "9") {
            let (multiplied, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = multiplied.addingReportingOverflow(UInt64(bytes[offset] - UInt8(ascii: "0")))
            if overflow1 || overflow2 { throw error(.invalidNumber(text(start, offset + 1)), at: start) }
            value = added
            digits += 1
            offset += 1
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") || bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            offset = start
            try skipNumber()
            guard let double = Double(text(start, offset)), double >= 0, double < 1.8e19 else {
                throw error(.invalidNumber(text(start, offset)), at: start)
            }
            return UInt64(double)
        }
        if digits == 0 {
            guard offset < bytes.count else { throw error(.unexpectedEnd) }
            throw error(.unexpectedByte(bytes[offset], expected: "a non-negative number of microseconds"))
        }
        return value
    }

    /// The value of eight ASCII digits loaded little-endian (first digit in the lowest byte),
    /// or nil if any byte is not a digit (Lemire's SWAR method).
    @inline(__always)
    static func eightDigits(_ word: UInt64) -> UInt64? {
        let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        // A digit is 0x30…0x39: high nibble 3, and adding 6 keeps it 3.
        guard (word & highNibbles) | (((word &+ 0x0606_0606_0606_0606) & highNibbles) >> 4) == 0x3333_3333_3333_3333 else { return nil }
        var value = word &- 0x3030_3030_3030_3030
        value = (value &* 10) &+ (value >> 8)
        let pairs = value & 0x0000_00FF_0000_00FF
        let nextPairs = (value >> 16) & 0x0000_00FF_0000_00FF
        return (pairs &* (100 + (1_000_000 << 32)) &+ nextPairs &* (1 + (10_000 << 32))) >> 32
    }

    mutating func readOptionalString() throws(ZipkinDecodingError) -> String? {
        if try consumeNull() { return nil }
        return try readString(expecting: "a string")
    }

    mutating func readString(expecting what: StaticString) throws(ZipkinDecodingError) -> String {
        let (start, end, escaped) = try readRawString(expecting: what)
        if !escaped {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        return try unescape(start, end)
    }

    /// Finds the bounds of a string's content; the cursor ends after the closing quote.
    ///
    /// Looks at eight bytes at a time: the usual "has a zero byte / a byte below n" bit tricks
    /// mark quotes, backslashes and control bytes, and the lowest mark is exactly the first
    /// such byte, so plain runs (URLs, UUIDs: most of a span) cost a few instructions per word.
    mutating func readRawString(expecting what: StaticString) throws(ZipkinDecodingError) -> (start: Int, end: Int, escaped: Bool) {
        let next = try peek()
        guard next == UInt8(ascii: "\"") else { throw unexpectedByteError(next, expected: what) }
        offset += 1
        let start = offset
        var escaped = false
        guard let base = bytes.baseAddress else { throw error(.unexpectedEnd) }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while true {
            if offset + 8 <= bytes.count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let special = (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)) & highs
                if special == 0 {
                    offset += 8
                    continue
                }
                offset += special.trailingZeroBitCount >> 3
            } else {
                guard offset < bytes.count else { throw error(.unexpectedEnd) }
                let byte = bytes[offset]
                if byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && byte >= 0x20 {
                    offset += 1
                    continue
                }
            }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                return (start, offset - 1, escaped)
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                offset += 2
                continue
            }
            throw controlCharacterError(byte)
        }
    }

    // The error paths of the hot readers, out of line so their string building does not
    // weigh on the frame and code of every call.
    @inline(never)
    func unexpectedByteError(_ byte: UInt8, expected: StaticString) -> ZipkinDecodingError {
        error(.unexpectedByte(byte, expected: "\(expected)"))
    }

    @inline(never)
    func controlCharacterError(_ byte: UInt8) -> ZipkinDecodingError {
        error(.invalidString("control character 0x\(String(byte, radix: 16)) must be escaped"))
    }

    func unescape(_ start: Int, _ end: Int) throws(ZipkinDecodingError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(end - start)
        var index = start
        while index < end {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                index += 1
                continue
            }
            guard index + 1 < end else { throw error(.invalidString("a lone backslash"), at: index) }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): output.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: index)
                index += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard index + 6 <= end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw error(.invalidString("unpaired surrogate"), at: index)
                    }
                    let low = try hex4(at: index + 2)
                    guard (0xDC00...0xDFFF).contains(low) else { throw error(.invalidString("unpaired surrogate"), at: index) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error(.invalidString("unpaired surrogate"), at: index)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw error(.invalidString("invalid code point"), at: index) }
                output.append(contentsOf: UTF8.encode(unicode).map { Array($0) } ?? [])
            default:
                throw error(.invalidString("unknown escape \\\(Character(Unicode.Scalar(escape)))"), at: index - 2)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    func hex4(at index: Int) throws(ZipkinDecodingError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error(.unexpectedEnd, at: index) }
        var value: UInt32 = 0
        for position in index..<(index + 4) {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error(.invalidString("bad \\u escape"), at: position)
            }
            value = value << 4 | digit
        }
        return value
    }

    // MARK: skipping unknown values

    mutating func skipNumber() throws(ZipkinDecodingError) {
        let start = offset
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        var sawDigit = false
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"): break
            default:
                guard sawDigit else { throw error(.invalidNumber(text(start, offset + 1)), at: start) }
                return
            }
            offset += 1
        }
        guard sawDigit else { throw error(.unexpectedEnd) }
    }

    mutating func skipValue(depth: Int) throws(ZipkinDecodingError) {
        guard depth < JSONByteReader.maximumDepth else { throw error(.tooDeep) }
        let next = try peek()
        switch next {
        case UInt8(ascii: "\""): _ = try readRawString(expecting: "a value")
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        case UInt8(ascii: "["):
            offset += 1
            if try peek() == UInt8(ascii: "]") { offset += 1; return }
            while true {
                try skipValue(depth: depth + 1)
                let separator = try peek()
                offset += 1
                if separator == UInt8(ascii: "]") { return }
                guard separator == UInt8(ascii: ",") else { throw error(.unexpectedByte(separator, expected: "',' or ']'"), at: offset - 1) }
            }
        case UInt8(ascii: "{"):
            offset += 1
            if try peek() == UInt8(ascii: "}") { offset += 1; return }
            while true {
                _ = try readRawString(expecting: "a quoted field name")
                try expect(UInt8(ascii: ":"), "':' after a field name")
                try skipValue(depth: depth + 1)
                let separator = try peek()
                offset += 1
                if separator == UInt8(ascii: "}") { return }
                guard separator == UInt8(ascii: ",") else { throw error(.unexpectedByte(separator, expected: "',' or '}'"), at: offset - 1) }
            }
        default:
            throw error(.unexpectedByte(next, expected: "a JSON value"))
        }
    }
}
