import Testing
import Zipkin

/// Malformed bodies: each must be a `ZipkinDecodingError` naming the byte offset and field,
/// never a crash and never a partial result.
@Suite("Zipkin decoder on malformed input")
struct ZipkinMalformedInputTests {
    /// body, reason, offset, field, span index
    static let cases: [(String, ZipkinDecodingError.Reason, Int, String?, Int?)] = [
        ("", .unexpectedEnd, 0, nil, nil),
        ("   ", .unexpectedEnd, 3, nil, nil),
        ("{}", .unexpectedByte(UInt8(ascii: "{"), expected: "'[' to open the span list"), 0, nil, nil),
        ("[", .unexpectedEnd, 1, nil, nil),
        (#"[{"traceId":"1","id":"2"}"#, .unexpectedEnd, 25, nil, 0),
        (#"[{"traceId":"1","id":"2"},]"#, .unexpectedByte(UInt8(ascii: "]"), expected: "'{' to open a span"), 26, nil, 1),
        (#"[{"traceId":"1","id":"2"}] x"#, .trailingBytes, 27, nil, nil),
        (#"[{"traceId":"1","id":"2"}][]"#, .trailingBytes, 26, nil, nil),
        (#"[{"traceId":"1","id":"2"} {"traceId":"1","id":"2"}]"#, .unexpectedByte(UInt8(ascii: "{"), expected: "',' or ']' after a span"), 26, nil, nil),
        (#"[{"id":"2"}]"#, .missingField("traceId"), 1, nil, 0),
        (#"[{"traceId":"1"}]"#, .missingField("id"), 1, nil, 0),
        (#"[{"traceId":"1","id":"2"},{"traceId":"3"}]"#, .missingField("id"), 26, nil, 1),
        (#"[{"traceId":"XYZ","id":"2"}]"#, .invalidField("trace id 'XYZ' is not non-zero lower-hex"), 13, "traceId", 0),
        (#"[{"traceId":"ABCDEF0123456789","id":"2"}]"#, .invalidField("trace id 'ABCDEF0123456789' is not non-zero lower-hex"), 13, "traceId", 0),
        (#"[{"traceId":"0","id":"2"}]"#, .invalidField("trace id '0' is not non-zero lower-hex"), 13, "traceId", 0),
        (#"[{"traceId":"","id":"2"}]"#, .invalidField("trace id must be 1 to 32 lower-hex characters"), 13, "traceId", 0),
        (#"[{"traceId":"000000000000000000000000000000001","id":"2"}]"#, .invalidField("trace id must be 1 to 32 lower-hex characters"), 13, "traceId", 0),
        (#"[{"traceId":"1","id":"0000000000000000"}]"#, .invalidField("id must not be all zeros"), 22, "id", 0),
        (#"[{"traceId":"1","id":"00000000000000001"}]"#, .invalidField("id '00000000000000001' must be 1 to 16 lower-hex characters"), 22, "id", 0),
        (#"[{"traceId":"1","id":2}]"#, .unexpectedByte(UInt8(ascii: "2"), expected: "a hex span id"), 21, "id", 0),
        (#"[{"traceId":"1","id":"2","parentId":"g"}]"#, .invalidField("parentId 'g' must be 1 to 16 lower-hex characters"), 37, "parentId", 0),
        (#"[{"traceId":"1","id":"2","kind":"client"}]"#, .invalidField("kind 'client' is not CLIENT, SERVER, PRODUCER or CONSUMER"), 33, "kind", 0),
        (#"[{"traceId":"1","id":"2","timestamp":-5}]"#, .unexpectedByte(UInt8(ascii: "-"), expected: "a non-negative number of microseconds"), 37, "timestamp", 0),
        (#"[{"traceId":"1","id":"2","timestamp":"5"}]"#, .unexpectedByte(UInt8(ascii: "\""), expected: "a non-negative number of microseconds"), 37, "timestamp", 0),
        (#"[{"traceId":"1","id":"2","duration":99999999999999999999}]"#, .invalidNumber("99999999999999999999"), 36, "duration", 0),
        (#"[{"traceId":"1","id":"2","duration":1e400}]"#, .invalidNumber("1e400"), 36, "duration", 0),
        (#"[{"traceId":"1","id":"2","localEndpoint":{"port":70000}}]"#, .invalidField("port 70000 is out of range"), 49, "localEndpoint.port", 0),
        (#"[{"traceId":"1","id":"2","remoteEndpoint":{"ipv4":1}}]"#, .unexpectedByte(UInt8(ascii: "1"), expected: "a string"), 50, "remoteEndpoint.ipv4", 0),
        (#"[{"traceId":"1","id":"2","annotations":[{"value":"x"}]}]"#, .invalidField("an annotation needs a timestamp and a value"), 40, "annotations", 0),
        (#"[{"traceId":"1","id":"2","tags":{"a":{}}}]"#, .unexpectedByte(UInt8(ascii: "{"), expected: "a string tag value"), 37, "tags", 0),
        (#"[{"traceId":"1","id":"2","tags":{"a":"b" "c":"d"}}]"#, .unexpectedByte(UInt8(ascii: "\""), expected: "',' or '}' in the tags"), 41, "tags", 0),
        (#"[{"traceId":"1","id":"2","debug":"yes"}]"#, .unexpectedByte(UInt8(ascii: "\""), expected: "true or false"), 33, "debug", 0),
        (#"[{"traceId":"1","id":"2","shared":tru}]"#, .unexpectedByte(UInt8(ascii: "}"), expected: "true"), 37, "shared", 0),
        (#"[{"traceId":"1","id":"2","name":"unterminated}]"#, .unexpectedEnd, 47, "name", 0),
        ("[{\"traceId\":\"1\",\"id\":\"2\",\"name\":\"raw\ncontrol\"}]", .invalidString("control character 0xa must be escaped"), 36, "name", 0),
        (#"[{"traceId":"1","id":"2","name":"bad \q escape"}]"#, .invalidString("unknown escape \\q"), 37, "name", 0),
        (#"[{"traceId":"1","id":"2","name":"\ud83d alone"}]"#, .invalidString("unpaired surrogate"), 39, "name", 0),
        (#"[{"traceId":"1","id":"2","name":"\u12"}]"#, .invalidString("bad \\u escape"), 37, "name", 0),
        (#"[{"traceId" "1","id":"2"}]"#, .unexpectedByte(UInt8(ascii: "\""), expected: "':' after a field name"), 12, nil, 0),
        (#"[{traceId:"1"}]"#, .unexpectedByte(UInt8(ascii: "t"), expected: "a quoted field name"), 2, nil, 0),
        (#"[{"traceId":"1","id":"2","x":nul}]"#, .unexpectedByte(UInt8(ascii: "}"), expected: "null"), 32, nil, 0),
        (#"[{"traceId":"1","id":"2","x":[1 2]}]"#, .unexpectedByte(UInt8(ascii: "2"), expected: "',' or ']'"), 32, nil, 0),
    ]

    @Test("each malformed body names the reason, byte offset, field and span", arguments: cases)
    func malformed(body: String, reason: ZipkinDecodingError.Reason, offset: Int, field: String?, spanIndex: Int?) {
        do {
            let spans = try ZipkinJSONDecoder().decodeSpans(body)
            Issue.record("decoded \(spans.count) spans from \(body)")
        } catch {
            #expect(error.reason == reason, "\(error)")
            #expect(error.offset == offset, "\(error)")
            #expect(error.field == field, "\(error)")
            #expect(error.spanIndex == spanIndex, "\(error)")
            #expect(error.description.contains("at byte \(offset)"))
        }
    }

    @Test("deep nesting in an unknown field stops at the depth limit instead of overflowing the stack")
    func deepNesting() {
        let depth = 100_000
        let body = #"[{"traceId":"1","id":"2","x":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}]"
        #expect {
            _ = try ZipkinJSONDecoder().decodeSpans(body)
        } throws: { ($0 as? ZipkinDecodingError)?.reason == .tooDeep }
    }

    @Test("every prefix of a valid body is an error, never a crash")
    func truncations() throws {
        let bytes = try Fixtures.bytes("envoy-1.40-client-spans")
        for length in 0..<bytes.count {
            #expect(throws: ZipkinDecodingError.self) { try ZipkinJSONDecoder().decodeSpans(Array(bytes[0..<length])) }
        }
    }

    @Test("single-byte corruptions never crash and either decode or name an offset inside the body")
    func corruptions() throws {
        let bytes = try Fixtures.bytes("envoy-1.40-server-spans")
        var generator = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            var corrupted = bytes
            let index = Int(generator.next() % UInt64(bytes.count))
            corrupted[index] = UInt8(truncatingIfNeeded: generator.next())
            do {
                _ = try ZipkinJSONDecoder().decodeSpans(corrupted)
            } catch {
                #expect(error.offset >= 0 && error.offset <= corrupted.count)
            }
        }
    }
}
