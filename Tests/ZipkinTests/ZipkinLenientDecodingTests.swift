import Testing
import TraceContext
@testable import Zipkin

/// What real tracers send that a strict reading of the API would refuse, and the decoder
/// accepts on purpose.
@Suite("Zipkin decoder leniency")
struct ZipkinLenientDecodingTests {
    let decoder = ZipkinJSONDecoder()

    @Test("unknown fields of any shape are skipped, at every level")
    func unknownFields() throws {
        let json = #"""
        [{"traceId":"0000000000000001","extra":{"a":[1,2,{"b":null}],"c":"\"}"},"id":"0000000000000002",
          "localEndpoint":{"serviceName":"a","zone":"eu","nested":[[[]]]},
          "annotations":[{"timestamp":1,"value":"x","endpoint":{"serviceName":"old"}}],
          "tags":{"k":"v"},"more":-1.5e3,"flag":true,"nothing":null}]
        """#
        let span = try #require(try decoder.decodeSpans(json).first)
        #expect(span.id.value == 2)
        #expect(span.localEndpoint == ZipkinEndpoint(serviceName: "a"))
        #expect(span.annotations == [ZipkinAnnotation(timestamp: 1, value: "x")])
        #expect(span.tags == ["k": "v"])
    }

    @Test("each span's source range is its JSON object, whitespace and unknown fields included")
    func sourceRanges() throws {
        let json = Array(#"""
         [ {"traceId":"0000000000000001","id":"0000000000000002","tags":{"k":"}"},"x":[{}]} ,
        {"traceId":"0000000000000001","id":"3","name":"b"}]
        """#.utf8)
        let (spans, sources) = try decoder.decodeSpansWithSources(json)
        #expect(try spans == decoder.decodeSpans(json))
        #expect(sources.count == 2)
        for (span, range) in zip(spans, sources) {
            #expect(json[range].first == UInt8(ascii: "{"))
            #expect(try decoder.decodeSpan(Array(json[range])) == span)
        }
        #expect(try decoder.decodeSpansWithSources(Array("[]".utf8)).sources.isEmpty)
    }

    @Test("null means absent for every optional field")
    func nulls() throws {
        let json = #"""
        [{"traceId":"0000000000000001","id":"0000000000000002","parentId":null,"name":null,"kind":null,
          "timestamp":null,"duration":null,"localEndpoint":null,"remoteEndpoint":{"serviceName":null,"ipv4":null,"ipv6":null,"port":null},
          "annotations":null,"tags":{"a":null,"b":"1"},"debug":null,"shared":null}]
        """#
        let span = try #require(try decoder.decodeSpans(json).first)
        #expect(span == ZipkinSpan(traceID: try #require(TraceID(low: 1)), id: try #require(SpanID(2)), tags: ["b": "1"]))
    }

    @Test("keys in any order give the same span")
    func keyOrder() throws {
        let a = try decoder.decodeSpans(#"[{"traceId":"00000000000000ab","id":"00000000000000cd","kind":"CLIENT","name":"n","tags":{"x":"1"}}]"#)
        let b = try decoder.decodeSpans(#"[{"tags":{"x":"1"},"name":"n","kind":"CLIENT","id":"00000000000000cd","traceId":"00000000000000ab"}]"#)
        #expect(a == b)
    }

    @Test("short ids are left-padded, as openzipkin does", arguments: [
        ("1", "2", "0000000000000001", "0000000000000002"),
        ("abc", "def", "0000000000000abc", "0000000000000def"),
        ("10000000000000001", "1", "00000000000000010000000000000001", "0000000000000001"),
    ])
    func shortIDs(trace: String, id: String, traceHex: String, idHex: String) throws {
        let span = try #require(try decoder.decodeSpans(#"[{"traceId":"\#(trace)","id":"\#(id)"}]"#).first)
        #expect(span.traceID.hex == traceHex)
        #expect(span.id.hex == idHex)
    }

    @Test("an all-zero parentId means no parent")
    func zeroParent() throws {
        let span = try #require(try decoder.decodeSpans(#"[{"traceId":"1","id":"2","parentId":"0000000000000000"}]"#).first)
        #expect(span.parentID == nil)
    }

    @Test("number and boolean tag values are kept as their text")
    func nonStringTags() throws {
        let span = try #require(try decoder.decodeSpans(#"[{"traceId":"1","id":"2","tags":{"status":200,"ratio":0.5,"neg":-3,"exp":1e3,"ok":true,"bad":false}}]"#).first)
        #expect(span.tags == ["status": "200", "ratio": "0.5", "neg": "-3", "exp": "1e3", "ok": "true", "bad": "false"])
    }

    @Test("fractional or exponent timestamps are truncated to microseconds")
    func fractionalNumbers() throws {
        let span = try #require(try decoder.decodeSpans(#"[{"traceId":"1","id":"2","timestamp":1.7953694106511621E15,"duration":12.9}]"#).first)
        #expect(span.timestamp == 1_795_369_410_651_162)
        #expect(span.duration == 12)
    }

    @Test("IPv4 and IPv6 endpoints with ports, service names lower-cased")
    func endpoints() throws {
        let json = #"[{"traceId":"1","id":"2","localEndpoint":{"serviceName":"Reviews","ipv4":"10.1.2.3","port":9080},"remoteEndpoint":{"serviceName":"ratings","ipv6":"2001:db8::c001","port":443}}]"#
        let span = try #require(try decoder.decodeSpans(json).first)
        #expect(span.localEndpoint == ZipkinEndpoint(serviceName: "reviews", ipv4: "10.1.2.3", port: 9080))
        #expect(span.remoteEndpoint == ZipkinEndpoint(serviceName: "ratings", ipv6: "2001:db8::c001", port: 443))
        #expect(span.localServiceName == "reviews")
        #expect(span.remoteServiceName == "ratings")
    }

    @Test("escapes in strings are decoded, surrogate pairs included")
    func escapes() throws {
        let span = try #require(try decoder.decodeSpans(#"[{"traceId":"1","id":"2","name":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00","tags":{"k\u0031":"\b\f\r"}}]"#).first)
        #expect(span.name == "a\"b\\c/d\n\té😀")
        #expect(span.tags == ["k1": "\u{8}\u{C}\r"])
    }

    @Test("a repeated tag key keeps one tag with the last value, however the key is spelled", arguments: [
        // known keys, other keys, and escaped spellings of both before and after the plain one
        #"{"http.method":"GET","x":"1","http.method":"POST"}"#,
        #"{"x":"2","http.method":"GET","x":"1","http.method":"POST"}"#,
        #"{"http\u002emethod":"GET","http.method":"POST","x":"1"}"#,
        #"{"http.method":"GET","x":"1","\u0068ttp.method":"POST"}"#,
        #"{"\u0078":"0","x":"1","http.method":"POST","x":"1"}"#,
        #"{"guid:x-request-id":"a","upstream_cluster.name":"b","guid:x-request-id":"c","x":"1","http.method":"POST","upstream_cluster.name":"b"}"#,
    ])
    func repeatedTagKeys(tags: String) throws {
        let span = try #require(try decoder.decodeSpans(#"[{"traceId":"1","id":"2","tags":"# + tags + "}]").first)
        #expect(Set(span.tags.keys).count == span.tags.count, "\(span.tags)")
        #expect(span.tags["http.method"] == "POST")
        #expect(span.tags["x"] == "1")
    }

    @Test("known tag keys decode to themselves, and near misses stay other keys")
    func knownTagKeys() throws {
        for key in KnownTagKeys.keys {
            let nearMisses = [key + "x", String(key.dropLast()), "x" + key.dropFirst(), String(key.dropLast()) + "x"]
            for spelling in [key] + nearMisses {
                let span = try #require(try decoder.decodeSpans(#"[{"traceId":"1","id":"2","tags":{""# + spelling + #"":"v"}}]"#).first)
                #expect(span.tags.keys == [spelling])
            }
        }
    }

    @Test("microsecond numbers of every length are read exactly, up to UInt64.max")
    func microsecondsOfEveryLength() throws {
        var values: [UInt64] = [1, 9, 10, 99_999_999, 100_000_000, 1_795_369_411_775_384, UInt64.max, UInt64.max - 1]
        var value: UInt64 = 1
        for _ in 0..<19 {
            value *= 10
            values += [value, value - 1, value + value / 3]
        }
        for value in values {
            // Followed by a byte that is not a digit, and by the end of the object right away.
            for spelling in [#"{"traceId":"1","id":"2","timestamp":\#(value),"duration":7}"#, #"{"traceId":"1","id":"2","duration":7,"timestamp":\#(value)}"#] {
                let span = try decoder.decodeSpan(Array(spelling.utf8))
                #expect(span.timestamp == value, "\(spelling)")
            }
        }
        for tooLarge in ["18446744073709551616", "99999999999999999999", "100000000000000000000000"] {
            #expect(throws: ZipkinDecodingError.self) { try decoder.decodeSpan(Array(#"{"traceId":"1","id":"2","timestamp":\#(tooLarge)}"#.utf8)) }
        }
    }

    @Test("a single span object decodes with decodeSpan")
    func singleSpan() throws {
        let span = try decoder.decodeSpan(Array(#" {"traceId":"1","id":"2"} "#.utf8))
        #expect(span.id.value == 2)
    }
}
