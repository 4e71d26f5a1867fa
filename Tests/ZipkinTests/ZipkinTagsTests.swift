import Testing
import TraceContext
import Zipkin

@Suite("ZipkinTags")
struct ZipkinTagsTests {
    @Test("lookups, replacement and removal behave like a dictionary's")
    func subscripts() {
        var tags: ZipkinTags = ["http.method": "GET", "error": ""]
        #expect(tags["http.method"] == "GET" && tags["error"] == "" && tags["missing"] == nil)
        tags["http.method"] = "POST"
        tags["node_id"] = "reviews-v2"
        tags["error"] = nil
        tags["never-there"] = nil
        #expect(tags.count == 2 && tags["http.method"] == "POST" && tags["error"] == nil)
        #expect(tags.keys == ["http.method", "node_id"], "replacing keeps the position, new keys go last")
    }

    @Test("a repeated key keeps the last value, in literals and in decoded JSON")
    func lastWins() throws {
        let literal: ZipkinTags = ["a": "1", "b": "2", "a": "3"]
        #expect(literal.count == 2 && literal["a"] == "3")
        let body = #"[{"traceId":"0000000000000001","id":"0000000000000002","tags":{"k":"first","other":"x","k":"second"}}]"#
        let span = try #require(try ZipkinJSONDecoder().decodeSpans(Array(body.utf8)).first)
        #expect(span.tags.count == 2 && span.tags["k"] == "second")
    }

    @Test("pairs ordered by key, a repeated key keeping its last value, as a dictionary of them would give")
    func orderingByKey() {
        let tags = ZipkinTags(orderingByKey: [("b", "1"), ("a", "2"), ("b", "3"), ("", "4"), ("a", "5"), ("c", "6")])
        #expect(tags.map(\.key) == ["", "a", "b", "c"])
        #expect(tags.map(\.value) == ["4", "5", "3", "6"])
        #expect(tags == ZipkinTags(["b": "3", "a": "5", "": "4", "c": "6"]))
        #expect(ZipkinTags(orderingByKey: []).isEmpty)
    }

    @Test("equality and hashing ignore the order, as for a dictionary")
    func orderInsensitive() {
        let one: ZipkinTags = ["a": "1", "b": "2", "c": "3"]
        let other: ZipkinTags = ["c": "3", "a": "1", "b": "2"]
        #expect(one == other && one.hashValue == other.hashValue)
        #expect(one != ["a": "1", "b": "2"] && one != ["a": "1", "b": "2", "c": "4"])
        #expect(Set([one, other]).count == 1)
        #expect(ZipkinTags(["z": "1", "a": "2"]).keys == ["a", "z"], "from a dictionary: ordered by key")
        #expect(one.dictionary == ["a": "1", "b": "2", "c": "3"])
    }

    @Test("merge lets the caller decide a shared key and appends new ones")
    func merge() {
        var tags: ZipkinTags = ["a": "1", "b": "2"]
        tags.merge(["b": "20", "c": "30"]) { old, new in old + new }
        #expect(tags == ["a": "1", "b": "220", "c": "30"] && tags.keys == ["a", "b", "c"])
    }

    @Test("the encoder writes tags in their order, so a span round-trips to the same bytes")
    func encodingOrder() throws {
        let span = ZipkinSpan(
            traceID: try TraceID(hex: "0000000000000001"), id: try SpanID(hex: "0000000000000002"),
            tags: ["zeta": "1", "alpha": "2", "mid": "3"]
        )
        let bytes = ZipkinJSONEncoder().encode([span])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""tags":{"zeta":"1","alpha":"2","mid":"3"}"#), "\(text)")
        let decoded = try ZipkinJSONDecoder().decodeSpans(bytes)
        #expect(ZipkinJSONEncoder().encode(decoded) == bytes)
    }

    static func decodedTags(_ tagsJSON: String) throws -> ZipkinTags {
        let body = #"{"traceId":"0000000000000001","id":"0000000000000002","tags":"# + tagsJSON + "}"
        return try ZipkinJSONDecoder().decodeSpan(Array(body.utf8)).tags
    }

    @Test("known and other keys compare and hash the same whether set or decoded, whatever the order")
    func setEqualsDecoded() throws {
        let set: ZipkinTags = ["http.method": "GET", "custom.key": "1", "node_id": "é", "": ""]
        let decoded = try Self.decodedTags(#"{"":"","node_id":"\u00e9","custom.key":1,"http\u002emethod":"GET"}"#)
        #expect(set == decoded && set.hashValue == decoded.hashValue)
        #expect(decoded.keys == ["", "node_id", "custom.key", "http.method"])
        #expect(set != ["http.method": "GET", "custom.key": "1", "node_id": "é", "": "x"])
        #expect(set != ["http.method": "GET", "custom.kez": "1", "node_id": "é", "": ""])
    }

    @Test("tags compare by their UTF-8 bytes, not by canonical equivalence")
    func byteEquality() {
        let precomposed: ZipkinTags = ["name": "caf\u{E9}"]
        let decomposed: ZipkinTags = ["name": "cafe\u{301}"]
        #expect("caf\u{E9}" == "cafe\u{301}", "String compares canonically")
        #expect(precomposed != decomposed)
    }

    @Test("forEachUTF8 gives the pairs that iteration gives, long values and all")
    func utf8Pairs() {
        var tags: ZipkinTags = ["http.url": String(repeating: "u", count: 70_000), "k": "", "": "v", "emoji": "👍🏽", "guid:x-request-id": "id"]
        tags["k"] = "replaced"
        var pairs: [(String, String)] = []
        tags.forEachUTF8 { key, value in pairs.append((String(decoding: key, as: UTF8.self), String(decoding: value, as: UTF8.self))) }
        #expect(pairs.map(\.0) == tags.keys && pairs.map(\.1) == tags.values)
        #expect(tags["http.url"]?.utf8.count == 70_000 && tags["k"] == "replaced" && tags.count == 5)
    }

    @Test("invalid UTF-8 in a decoded key or value is repaired as String(decoding:) does")
    func repairsInvalidUTF8() throws {
        let invalid: [[UInt8]] = [[0xFF], [0x61, 0xC3], [0xE2, 0x82], [0x80, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0xFE]]
        for bytes in invalid {
            let body = Array(#"{"traceId":"1","id":"2","tags":{"http.method":""#.utf8) + bytes + Array(#"",""#.utf8) + bytes + Array(#"":"x"}}"#.utf8)
            let tags = try ZipkinJSONDecoder().decodeSpan(body).tags
            let repaired = String(decoding: bytes, as: UTF8.self)
            #expect(tags["http.method"] == repaired && tags[repaired] == "x" && tags.count == 2, "\(bytes)")
            #expect(tags == ["http.method": repaired, repaired: "x"])
        }
    }

    @Test("values of every length up to 40 bytes decode exactly, also where the input ends right after them")
    func valueLengths() throws {
        for length in 0...40 {
            let value = String((0..<length).map { Character(UnicodeScalar(UInt8(0x61 + $0 % 26))) })
            for key in ["http.method", "other"] {
                let tags = try Self.decodedTags(#"{"\#(key)":"\#(value)"}"#)
                #expect(tags[key] == value && tags.count == 1, "\(key) \(length)")
                let span = try ZipkinJSONDecoder().decodeSpans(Array(#"[{"traceId":"1","id":"2","tags":{"a":"x","\#(key)":"\#(value)"}}]"#.utf8))
                #expect(span.first?.tags[key] == value, "\(key) \(length) at the end")
            }
        }
    }

    @Test("a null tag value adds no tag, and a later value for its key is kept once")
    func nullValues() throws {
        let tags = try Self.decodedTags(#"{"http.method":null,"a":"1","other":null,"http.method":"GET","other":"2"}"#)
        #expect(tags == ["a": "1", "http.method": "GET", "other": "2"] && tags.keys == ["a", "http.method", "other"])
    }
}
