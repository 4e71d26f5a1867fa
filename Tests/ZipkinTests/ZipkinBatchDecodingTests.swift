import Foundation
import Testing
import TraceContext
import Zipkin

/// The decoder reuses what earlier spans of a body decoded to (identical endpoint objects,
/// short values of known tag keys); a span must decode the same inside a batch as alone.
@Suite("Zipkin decoder across the spans of a body")
struct ZipkinBatchDecodingTests {
    // Pools with near misses: equal lengths differing in one byte at either end or the middle,
    // prefixes of each other, and lengths around the 8- and 16-byte words.
    static let values = ["", "-", "0", "200", "201", "GET", "GEt", "HTTP/1.1", "HTTP/1.0", "127.0.0.1", "127.0.0.2",
                         "sidecar-1", "tidecar-1", "0123456789abcdef", "0123456789abcdeg", "1123456789abcdef",
                         "0123456789abcdefg", "é", "ü", "\"quoted\"", "a\\b"]
    static let keys = ["http.method", "http.methods", "http.status_code", "node_i", "node_id", "error", "component", "peer.address", "x", "custom.key", "guid:x-request-id"]
    static let services = ["productpage", "reviews", "Reviews", "review", "ratings"]
    static let addresses = ["127.0.0.1", "127.0.0.2", "10.0.0.1"]

    static func endpoint(using generator: inout SplitMix64) -> ZipkinEndpoint? {
        switch generator.next() % 5 {
        case 0: return nil
        case 1: return ZipkinEndpoint(serviceName: services.randomElement(using: &generator))
        default:
            return ZipkinEndpoint(
                serviceName: services.randomElement(using: &generator), ipv4: addresses.randomElement(using: &generator),
                port: [0, 80, 8080, 9080].randomElement(using: &generator))
        }
    }

    static func span(using generator: inout SplitMix64) -> ZipkinSpan {
        var tags = ZipkinTags()
        for key in keys where generator.next() % 3 != 0 {
            tags[key] = values.randomElement(using: &generator)
        }
        return ZipkinSpan(
            traceID: .random(is128Bit: generator.next() % 2 == 0, using: &generator), id: .random(using: &generator),
            name: ["get", "post", "get /a", "get /b", "", "GET", "a much longer operation name"].randomElement(using: &generator), kind: .client, timestamp: 1_795_369_411_775_384, duration: generator.next() % 1000 + 1,
            localEndpoint: endpoint(using: &generator), remoteEndpoint: endpoint(using: &generator), tags: tags)
    }

    @Test("random batches decode to the spans that were encoded, each equal to it decoded alone", arguments: 0..<20)
    func randomBatches(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let spans = (0..<40).map { _ in ZipkinBatchDecodingTests.span(using: &generator) }
        let body = ZipkinJSONEncoder().encode(spans)
        let decoded = try ZipkinJSONDecoder().decodeSpans(body)
        #expect(decoded == spans)
        // The same batch as a pretty printer writes it (OpenTelemetry's Python exporter indents).
        let pretty = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(body)), options: [.prettyPrinted])
        #expect(try ZipkinJSONDecoder().decodeSpans(Array(pretty)) == spans)
        for span in spans {
            let alone = try ZipkinJSONDecoder().decodeSpans(ZipkinJSONEncoder().encode([span]))
            #expect(alone == [span])
        }
    }

    /// Senders with their own key order: what one body taught the decoder about the next
    /// (which key follows which, each key's last short value) is wrong for the other's.
    static func senderSpan(sender: Int, using generator: inout SplitMix64) -> ZipkinSpan {
        var span = span(using: &generator)
        var order = SplitMix64(seed: UInt64(sender))
        let keys = sender == 0 ? keys : keys.shuffled(using: &order)
        var tags = ZipkinTags()
        for key in keys where generator.next() % 4 != 0 {
            tags[key] = values.randomElement(using: &generator)
        }
        span.tags = tags
        return span
    }

    @Test("bodies from senders with other key orders, one after another and from several tasks at once, decode to what was encoded")
    func bodiesAcrossSenders() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    var generator = SplitMix64(seed: UInt64(100 + task))
                    for round in 0..<30 {
                        let sender = (round + task) % 3
                        let spans = (0..<(1 + Int(generator.next() % 5))).map { _ in ZipkinBatchDecodingTests.senderSpan(sender: sender, using: &generator) }
                        let decoded = try ZipkinJSONDecoder().decodeSpans(ZipkinJSONEncoder().encode(spans))
                        #expect(decoded == spans)
                        #expect(decoded.map(\.tags.keys) == spans.map(\.tags.keys), "tags keep their order")
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test("an endpoint that matches the last one only up to its end is decoded again")
    func endpointPrefix() throws {
        let body = #"""
        [{"traceId":"1","id":"1","localEndpoint":{"serviceName":"a"}},
         {"traceId":"1","id":"2","localEndpoint":{"serviceName":"a","port":80}},
         {"traceId":"1","id":"3","localEndpoint":{"serviceName":"a"} ,"remoteEndpoint":{"serviceName":"a"}},
         {"traceId":"1","id":"4","localEndpoint":{"serviceName":"b"},"remoteEndpoint":{"serviceName":"A"}},
         {"traceId":"1","id":"5","localEndpoint": {"serviceName":"b"},"remoteEndpoint":null}]
        """#
        let spans = try ZipkinJSONDecoder().decodeSpans(body)
        #expect(spans.map(\.localEndpoint) == [
            ZipkinEndpoint(serviceName: "a"), ZipkinEndpoint(serviceName: "a", port: 80), ZipkinEndpoint(serviceName: "a"),
            ZipkinEndpoint(serviceName: "b"), ZipkinEndpoint(serviceName: "b"),
        ])
        #expect(spans.map(\.remoteEndpoint) == [nil, nil, ZipkinEndpoint(serviceName: "a"), ZipkinEndpoint(serviceName: "a"), nil])
    }

    @Test("a malformed endpoint after a good one is still an error", arguments: [
        #"[{"traceId":"1","id":"1","localEndpoint":{"serviceName":"a"}},{"traceId":"1","id":"2","localEndpoint":{"serviceName":"a"}"#,
        #"[{"traceId":"1","id":"1","localEndpoint":{"serviceName":"a"}},{"traceId":"1","id":"2","localEndpoint":{"serviceName":"a","port":-1}}]"#,
    ])
    func malformedAfterGood(body: String) {
        #expect(throws: ZipkinDecodingError.self) { try ZipkinJSONDecoder().decodeSpans(body) }
    }
}
