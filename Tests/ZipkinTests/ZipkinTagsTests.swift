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
}
