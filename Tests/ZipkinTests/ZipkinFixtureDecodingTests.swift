import Foundation
import Testing
import TraceContext
import Zipkin

@Suite("Zipkin decoder on real Envoy and OpenTelemetry bodies")
struct ZipkinFixtureDecodingTests {
    let decoder = ZipkinJSONDecoder()

    @Test("Envoy 1.40 SERVER spans: shared, 64- and 128-bit trace ids, endpoint without port")
    func envoyServer() throws {
        let spans = try decoder.decodeSpans(try Fixtures.bytes("envoy-1.40-server-spans"))
        #expect(spans.count == 5)
        let first = spans[0]
        #expect(first.traceID.hex == "f1c78b023eea5598")
        #expect(!first.traceID.is128Bit)
        #expect(first.id.hex == "f1c78b023eea5598")
        #expect(first.parentID == nil)
        #expect(first.kind == .server)
        #expect(first.name == "127.0.0.1:15001")
        #expect(first.timestamp == 1_795_369_410_651_162)
        #expect(first.duration == 1650)
        #expect(first.shared)
        #expect(!first.debug)
        #expect(first.localEndpoint == ZipkinEndpoint(serviceName: "demo-sidecar", ipv4: "192.0.2.2"))
        #expect(first.localEndpoint?.port == nil, "Envoy's port 0 means unknown")
        #expect(first.remoteEndpoint == nil)
        #expect(first.annotations == [ZipkinAnnotation(timestamp: 1_795_369_410_652_927, value: "ss")])
        #expect(first.tags.count == 15)
        #expect(first.tags["guid:x-request-id"] == "bdd4576b-d3f7-95f9-938f-a1d94bf1d930")
        #expect(first.tags["http.url"] == "http://127.0.0.1:15001/case/01")
        #expect(first.tags["upstream_cluster.name"] == "app")
        #expect(first.tags["component"] == "proxy")

        let withParent = spans[3]
        #expect(withParent.traceID.is128Bit)
        #expect(withParent.traceID.hex == "463ac35c9f6413ad48485a3953bb6124")
        #expect(withParent.parentID?.hex == "0020000000000001")
        #expect(spans.allSatisfy { $0.shared && $0.kind == .server && !$0.debug })
    }

    @Test("Envoy 1.40 CLIENT spans: parents, cr annotations, not shared")
    func envoyClient() throws {
        let spans = try decoder.decodeSpans(try Fixtures.bytes("envoy-1.40-client-spans"))
        #expect(spans.map(\.id.hex) == ["4612225623861e70", "37bae99003a464b6", "7a0b59bd5140de50"])
        #expect(spans.map { $0.parentID?.hex } == [nil, "a2fb4a1d1a96d312", "a2fb4a1d1a96d312"])
        #expect(spans.allSatisfy { $0.kind == .client && !$0.shared && $0.annotations.map(\.value) == ["cr"] })
        #expect(spans[1].tags["http.url"] == "http://127.0.0.1:15002/case/23")
        #expect(spans[1].endTimestamp == 1_795_369_411_829_749 + 42509)
        var overflowing = spans[1]
        overflowing.timestamp = .max - 1
        #expect(overflowing.endTimestamp == nil, "a sum past UInt64.max is no end, not a trap")
    }

    @Test("OpenTelemetry Python spans: debug on every sampled span, resource attributes as tags, empty tag values")
    func otelPython() throws {
        let spans = try decoder.decodeSpans(try Fixtures.bytes("otel-python-1.45-zipkin-spans"))
        #expect(spans.count == 7)
        let first = spans[0]
        #expect(first.traceID.hex == "9050860a56c0144c87ee0f93196a5bb8")
        #expect(first.id.hex == "b78b0089717af876")
        #expect(first.name == "get http://127.0.0.1:9080/direct/b3multi")
        #expect(first.localEndpoint == ZipkinEndpoint(serviceName: "otel-client"))
        #expect(first.debug)
        #expect(first.tags["telemetry.sdk.version"] == "1.45.2")
        #expect(first.tags["otel.library.version"] == "")
        #expect(first.tags.count == 12)
        #expect(spans[2].parentID?.hex == "a2fb4a1d1a96d312")
        #expect(spans.prefix(5).allSatisfy { $0.debug })
        #expect(spans[5].shared && spans[5].kind == .server && !spans[5].debug)
        // The ingress call and Envoy's SERVER span share one span id: the B3 shared-span pairing.
        #expect(spans[3].id == spans[5].id && spans[3].traceID == spans[5].traceID)
    }

    @Test("every fixture agrees with Foundation's JSONSerialization field by field", arguments: Fixtures.names)
    func crossCheck(name: String) throws {
        let bytes = try Fixtures.bytes(name)
        let spans = try decoder.decodeSpans(bytes)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect(spans.count == objects.count)
        for (span, object) in zip(spans, objects) {
            #expect(span.traceID.hex == object["traceId"] as? String)
            #expect(span.id.hex == object["id"] as? String)
            #expect(span.parentID?.hex == object["parentId"] as? String)
            #expect(span.name == object["name"] as? String)
            #expect(span.kind?.rawValue == object["kind"] as? String)
            #expect(span.timestamp == (object["timestamp"] as? NSNumber)?.uint64Value)
            #expect(span.duration == (object["duration"] as? NSNumber)?.uint64Value)
            #expect(span.debug == (object["debug"] as? Bool ?? false))
            #expect(span.shared == (object["shared"] as? Bool ?? false))
            #expect(span.tags.dictionary == (object["tags"] as? [String: String] ?? [:]))
            let local = try #require(object["localEndpoint"] as? [String: Any])
            #expect(span.localEndpoint?.serviceName == local["serviceName"] as? String)
            #expect(span.localEndpoint?.ipv4 == local["ipv4"] as? String)
            let annotations = object["annotations"] as? [[String: Any]] ?? []
            #expect(span.annotations.map(\.value) == annotations.map { $0["value"] as? String ?? "" })
            #expect(span.annotations.map(\.timestamp) == annotations.map { ($0["timestamp"] as? NSNumber)?.uint64Value ?? 0 })
        }
    }

    @Test("encode then decode gives back every fixture span", arguments: Fixtures.names)
    func fixtureRoundTrip(name: String) throws {
        let spans = try decoder.decodeSpans(try Fixtures.bytes(name))
        let encoded = ZipkinJSONEncoder().encode(spans)
        #expect(try decoder.decodeSpans(encoded) == spans)
        // And what we write is JSON that Foundation reads, with the same span count.
        let objects = try JSONSerialization.jsonObject(with: Data(encoded)) as? [[String: Any]]
        #expect(objects?.count == spans.count)
    }
}
