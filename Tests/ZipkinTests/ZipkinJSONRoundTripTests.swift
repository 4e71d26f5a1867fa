import Foundation
import Testing
import TraceContext
import Zipkin

@Suite("Zipkin encoder")
struct ZipkinJSONRoundTripTests {
    static let awkwardStrings = [
        "", "plain", "quote \" and backslash \\ and slash /", "new\nline\r\ttab", "\u{0}\u{1}\u{1F}\u{7F}",
        "é ü ß 日本語", "emoji 😀 👩‍👩‍👧 surrogate pairs", "\u{2028}\u{2029}", String(repeating: "long ", count: 500),
    ]

    static func span(_ index: Int, text: String, using generator: inout SplitMix64) -> ZipkinSpan {
        ZipkinSpan(
            traceID: .random(is128Bit: index % 2 == 0, using: &generator), id: .random(using: &generator),
            parentID: index % 3 == 0 ? nil : .random(using: &generator),
            name: text.isEmpty ? nil : text, kind: ZipkinSpan.Kind.allCases[index % 4],
            timestamp: 1_795_369_410_651_162 + UInt64(index), duration: UInt64(index * 1000 + 1),
            localEndpoint: ZipkinEndpoint(serviceName: "svc-\(index)", ipv4: "10.0.0.\(index % 255)", port: UInt16(8000 + index)),
            remoteEndpoint: index % 2 == 0 ? ZipkinEndpoint(serviceName: "peer", ipv6: "2001:db8::\(index)", port: 443) : nil,
            annotations: [ZipkinAnnotation(timestamp: 1_795_369_410_651_200, value: text)],
            tags: ["text": text, "http.status_code": "200", "empty": ""],
            debug: index % 5 == 0, shared: index % 2 == 1
        )
    }

    @Test("generated spans with awkward strings survive encode → decode unchanged", arguments: Array(awkwardStrings.enumerated()))
    func generated(index: Int, text: String) throws {
        var generator = SplitMix64(seed: UInt64(index))
        let spans = (0..<8).map { Self.span($0 + index, text: text, using: &generator) }
        let bytes = ZipkinJSONEncoder().encode(spans)
        #expect(try ZipkinJSONDecoder().decodeSpans(bytes) == spans)
        // Foundation reads our output and sees the same text.
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect((objects[0]["tags"] as? [String: String])?["text"] == text)
    }

    @Test("control characters are escaped, nothing below 0x20 is written raw")
    func escapes() throws {
        let span = ZipkinSpan(traceID: try #require(TraceID(low: 1)), id: try #require(SpanID(2)), name: "a\"b\\c\nd\u{1}é")
        let text = ZipkinJSONEncoder().encodeString([span])
        #expect(text == #"[{"traceId":"0000000000000001","id":"0000000000000002","name":"a\"b\\c\nd\u0001é"}]"#)
        #expect(!ZipkinJSONEncoder().encode([span]).contains { $0 < 0x20 })
    }

    @Test("every byte that needs an escape is escaped wherever it falls against the eight-byte steps")
    func escapesAtEveryPosition() throws {
        // A reference escaper, byte by byte, as the encoder worked before it read words.
        func reference(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar.value {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                case ..<0x20: out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        for length in 0...20 {
            for position in 0..<max(length, 1) {
                for special in ["\"", "\\", "\n", "\u{1}", "\u{1F}", " ", "!", "#", "[", "]", "\u{7F}", "é", "日"] {
                    var scalars = Array(repeating: "a", count: length)
                    if length > 0 { scalars[position] = special }
                    let text = scalars.joined()
                    let span = ZipkinSpan(traceID: try #require(TraceID(low: 1)), id: try #require(SpanID(2)), name: text.isEmpty ? nil : text)
                    guard !text.isEmpty else { continue }
                    let json = ZipkinJSONEncoder().encodeString([span])
                    #expect(json.contains("\"name\":" + reference(text) + "}"), "\(text.debugDescription)")
                    #expect(try ZipkinJSONDecoder().decodeSpans(Array(json.utf8)) == [span])
                }
            }
        }
    }

    @Test("optional fields that are absent, false or zero are left out")
    func minimal() throws {
        let span = ZipkinSpan(traceID: try #require(TraceID(high: 1, low: 2)), id: try #require(SpanID(3)), timestamp: 0, duration: 0, localEndpoint: ZipkinEndpoint(port: 0))
        #expect(ZipkinJSONEncoder().encodeString([span]) == #"[{"traceId":"00000000000000010000000000000002","id":"0000000000000003"}]"#)
    }

    @Test("an empty list is []")
    func emptyList() throws {
        #expect(ZipkinJSONEncoder().encodeString([]) == "[]")
        #expect(try ZipkinJSONDecoder().decodeSpans("[]").isEmpty)
        #expect(try ZipkinJSONDecoder().decodeSpans(" \n[ ]\t").isEmpty)
    }

    @Test("encoding into an existing buffer appends")
    func appends() throws {
        var buffer = Array("prefix".utf8)
        ZipkinJSONEncoder().encode([ZipkinSpan(traceID: try #require(TraceID(low: 1)), id: try #require(SpanID(1)))], into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == #"prefix[{"traceId":"0000000000000001","id":"0000000000000001"}]"#)
    }

    @Test("a large batch grows the buffer and stays valid")
    func largeBatch() throws {
        var generator = SplitMix64(seed: 99)
        let spans = (0..<300).map { Self.span($0, text: String(repeating: "x", count: $0 * 7), using: &generator) }
        #expect(try ZipkinJSONDecoder().decodeSpans(ZipkinJSONEncoder().encode(spans)) == spans)
    }
}
