@testable import Scenario
import Foundation
import Testing
import Zipkin

@Suite("Jaeger JSON model → Zipkin spans")
struct JaegerSpanMapperTests {
    func bookinfo() throws -> [ZipkinSpan] {
        let response = try BackendFixture.response("jaeger-trace-bookinfo.json")
        return try JaegerAPIBackend.decodeTrace(response, url: "recorded")
    }

    func span(_ spans: [ZipkinSpan], _ hex: String) throws -> ZipkinSpan {
        try #require(spans.first { $0.id.hex == hex }, "no span \(hex)")
    }

    @Test("CHILD_OF references become parent ids and span.kind becomes the kind")
    func structure() throws {
        let spans = try bookinfo()
        let shape = spans.map { "\($0.localServiceName ?? "-") \($0.kind?.rawValue ?? "-") \($0.id.hex) <- \($0.parentID?.hex ?? "root")" }
        #expect(shape == [
            "productpage SERVER a2fb4a1d1a96d312 <- root",
            "productpage CLIENT b7ad6b7169203331 <- a2fb4a1d1a96d312",
            "reviews SERVER b7ad6b7169203332 <- b7ad6b7169203331",
            "reviews CLIENT e457b5a2e4d86bd1 <- b7ad6b7169203332",
            "ratings SERVER e457b5a2e4d86bd2 <- e457b5a2e4d86bd1",
            "reviews - 0c9a3f2e1d4b5a61 <- b7ad6b7169203332",
        ])
        #expect(spans.allSatisfy { !$0.shared && !$0.debug })
    }

    @Test("peer.* tags become the remote endpoint, the process the local one")
    func endpoints() throws {
        let spans = try bookinfo()
        let client = try span(spans, "b7ad6b7169203331")
        #expect(client.remoteEndpoint == ZipkinEndpoint(serviceName: "reviews", ipv4: "10.0.0.13", port: 9080))
        #expect(client.localEndpoint == ZipkinEndpoint(serviceName: "productpage", ipv4: "10.0.0.11"))
        #expect(client.timestamp == 1_795_369_410_653_262)
        #expect(client.duration == 31877)
        #expect(client.name == "GET /reviews/0")
        let server = try span(spans, "b7ad6b7169203332")
        #expect(server.remoteEndpoint == nil)
    }

    @Test("tags keep the sidecar's names and become strings; Jaeger's bookkeeping goes")
    func tags() throws {
        let spans = try bookinfo()
        let client = try span(spans, "b7ad6b7169203331")
        #expect(client.tags == [
            "component": "proxy", "guid:x-request-id": "d2c1f0a4-6a5e-4b8e-9d6e-2f6b1c9a7e10", "http.method": "GET",
            "http.status_code": "200", "http.url": "http://reviews/reviews/0", "node_id": "productpage-v1",
            "peer.address": "127.0.0.1", "upstream_cluster": "outbound|9080||reviews",
        ])
        let app = try span(spans, "0c9a3f2e1d4b5a61")
        #expect(app.kind == nil, "OpenTelemetry's 'internal' kind has no Zipkin equivalent")
        #expect(app.tags == ["otel.scope.name": "reviews", "http.response.status_code": "200", "retry.ratio": "0.25", "cache.hit": "false"])
    }

    @Test("logs become annotations: the event alone, or every field")
    func logs() throws {
        let spans = try bookinfo()
        #expect(try span(spans, "a2fb4a1d1a96d312").annotations == [ZipkinAnnotation(timestamp: 1_795_369_410_699_262, value: "ss")])
        #expect(try span(spans, "0c9a3f2e1d4b5a61").annotations.map(\.value) == ["event=cache miss cache.key=ratings:0"])
    }

    @Test("reads the same hops as Zipkin does for the same trace")
    func agreesWithZipkin() throws {
        let jaeger = try bookinfo().filter { $0.tags["component"] == "proxy" }
        let zipkin = try ZipkinJSONDecoder().decodeSpans(try BackendFixture.bytes("zipkin-trace-bookinfo.json"))
        func hops(_ spans: [ZipkinSpan]) -> [String] {
            spans.map { "\($0.kind?.rawValue ?? "-") \($0.localServiceName ?? "-") -> \($0.remoteServiceName ?? "-") \($0.tags["node_id"] ?? "-") \($0.tags["guid:x-request-id"] ?? "-") \($0.timestamp ?? 0)" }.sorted()
        }
        #expect(hops(jaeger) == hops(zipkin))
        #expect(Set(jaeger.map(\.traceID)) == Set(zipkin.map(\.traceID)))
    }

    @Test("a SERVER span that kept its caller's id (no span id deduper) is marked shared")
    func sharedSpans() throws {
        let spans = try JaegerAPIBackend.decodeTrace(try BackendFixture.response("jaeger-trace-shared-span.json"), url: "recorded")
        #expect(spans.map(\.kind) == [.client, .server])
        #expect(spans.map(\.shared) == [false, true])
        #expect(Set(spans.map(\.id.hex)) == ["e457b5a2e4d86bd1"])
    }

    @Test("short ids of old Jaeger versions are padded; flag bit 2 is debug; booleans become text")
    func oldJaegerIDsAndDebug() throws {
        let traces = try JaegerAPIBackend.decodeTraceList(try BackendFixture.response("jaeger-search-productpage.json"), url: "recorded")
        let failed = try #require(traces.first)
        #expect(failed.map(\.id.hex) == ["6b221d5bc9e6496c", "0000007c4a3e1f2b"])
        #expect(failed.allSatisfy { $0.debug })
        let client = failed[1]
        let errorTag = client.tags["error"]
        #expect(errorTag == "true")
        #expect(client.tags["http.status_code"] == "503")
        #expect(traces[1].allSatisfy { !$0.debug })
    }

    @Test("rejects spans whose ids are not hex, naming the span", arguments: [
        (#"{"traceID":"zz","spanID":"01"}"#, "traceID 'zz'"),
        (#"{"traceID":"01","spanID":"0000"}"#, "spanID '0000'"),
        (#"{"traceID":"01","spanID":"12345678901234567"}"#, "spanID '12345678901234567'"),
        (#"{"traceID":"01","spanID":"02","references":[{"refType":"CHILD_OF","traceID":"01","spanID":"xyz"}]}"#, "parent span id 'xyz'"),
    ])
    func rejectsBadIDs(span: String, expected: String) {
        let body = Array(#"{"data":[{"traceID":"01","spans":["#.utf8) + Array(span.utf8) + Array(#"]}]}"#.utf8)
        #expect {
            try JaegerAPIBackend.decodeTraceList(TraceBackendResponse(status: 200, body: body), url: "http://jaeger/api/traces/01")
        } throws: { error in
            guard let error = error as? TraceBackendError, case .invalidResponse(let url, let why) = error.reason else { return false }
            return url == "http://jaeger/api/traces/01" && why.contains("span 0: \(expected)")
        }
    }

    @Test("references to other traces and FOLLOWS_FROM are handled like Zipkin can express them")
    func references() throws {
        let body = #"""
        {"data":[{"traceID":"0a","processes":{"p":{"serviceName":"Worker","tags":[{"key":"ip","type":"int64","value":167772161}]}},"spans":[
          {"traceID":"0a","spanID":"01","references":[{"refType":"CHILD_OF","traceID":"0b","spanID":"09"},{"refType":"FOLLOWS_FROM","traceID":"0a","spanID":"02"}],"processID":"p"},
          {"traceID":"0a","spanID":"02","parentSpanID":"0","tags":[{"key":"span.kind","type":"string","value":"producer"},{"key":"weird","value":1.5}],"processID":"p"},
          {"traceID":"0a","spanID":"03","parentSpanID":"2","tags":[{"key":"span.kind","type":"string","value":"consumer"},{"key":"nothing","type":"string","value":null}]}
        ]}]}
        """#
        let spans = try JaegerAPIBackend.decodeTrace(TraceBackendResponse(status: 200, body: Array(body.utf8)), url: "recorded")
        #expect(spans.map(\.parentID?.value) == [2, nil, 2])
        #expect(spans.map(\.kind) == [nil, .producer, .consumer])
        #expect(spans[0].localEndpoint == ZipkinEndpoint(serviceName: "worker", ipv4: "10.0.0.1"))
        #expect(spans[2].localEndpoint == nil)
        #expect(spans[1].tags == ["weird": "1.5"])
        #expect(spans[2].tags == ["nothing": ""])
    }
}
