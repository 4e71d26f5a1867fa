import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Proxy
import ProxyCore
import Testing
import TestSupport
import TraceContext
import Zipkin

/// The proxy in process between a real client (AsyncHTTPClient) and a NIO app on loopback,
/// with a Zipkin sink that decodes what the reporter POSTs.
@Suite("tracelab-proxy end to end", .timeLimit(.minutes(1)))
struct ProxyIntegrationTests {
    let traceID = "463ac35c9f6413ad48485a3953bb6124"

    @Test("inbound: the app gets B3 and x-request-id, the collector a SERVER span with the sidecar tags")
    func inboundServerSpan() async throws {
        let harness = try await ProxyHarness.start()
        try await harness.shuttingDown {
            let reply = try await harness.send(harness.inboundURL + "/productpage?u=1")
            #expect(reply.status == 200 && reply.body == "hello from the app")

            let received = try #require(harness.app.recorded.first)
            let headers = received.head.headers
            let traceID = try #require(headers.first(name: "x-b3-traceid"))
            let spanID = try #require(headers.first(name: "x-b3-spanid"))
            #expect(headers.first(name: "x-b3-sampled") == "1")
            #expect((try? RequestID(headers.first(name: "x-request-id") ?? "")) != nil)
            #expect(received.head.uri == "/productpage?u=1")

            let spans = await harness.sink.wait { $0.contains { $0.kind == .server } }
            let span = try #require(spans.first { $0.kind == .server })
            #expect(span.traceID.hex == traceID && span.id.hex == spanID && span.parentID == nil)
            #expect(span.localServiceName == "productpage")
            #expect(span.tags["http.status_code"] == "200" && span.tags["http.method"] == "GET" && span.tags["http.path"] == "/productpage")
            #expect(span.tags["guid:x-request-id"] == headers.first(name: "x-request-id"))
            #expect(span.tags["node_id"] == "productpage-v1" && span.tags["component"] == "proxy" && span.tags["error"] == nil)
            #expect(span.tags["upstream_cluster"] != nil && span.tags["peer.address"] == "127.0.0.1")
        }
    }

    @Test("inbound B3: the SERVER span shares the caller's span id and the app gets the same context")
    func inboundB3Shared() async throws {
        let harness = try await ProxyHarness.start()
        try await harness.shuttingDown {
            let requestID = "2d6959d7-b805-4b75-a719-7ce350512fb7"
            _ = try await harness.send(harness.inboundURL + "/", headers: [
                ("X-B3-TraceId", traceID), ("X-B3-SpanId", "a2fb4a1d1a96d312"), ("X-B3-ParentSpanId", "0020000000000001"),
                ("X-B3-Sampled", "1"), ("x-request-id", requestID),
            ])
            let headers = try #require(harness.app.recorded.first).head.headers
            #expect(headers.first(name: "x-b3-traceid") == traceID)
            #expect(headers.first(name: "x-b3-spanid") == "a2fb4a1d1a96d312")
            #expect(headers.first(name: "x-request-id") == requestID)
            let span = try #require(await harness.sink.wait { !$0.isEmpty }.first)
            #expect(span.shared && span.id.hex == "a2fb4a1d1a96d312" && span.parentID?.hex == "0020000000000001")
            #expect(span.traceID.hex == traceID && span.tags["guid:x-request-id"] == requestID)
        }
    }

    @Test("B3 checklist end to end: debug, not-sampled, malformed and b3 single precedence")
    func b3Checklist() async throws {
        let harness = try await ProxyHarness.start()
        try await harness.shuttingDown {
            // Debug: sampled, debug on the span, flag forwarded.
            _ = try await harness.send(harness.inboundURL + "/debug", headers: [("x-b3-traceid", traceID), ("x-b3-spanid", "a2fb4a1d1a96d312"), ("x-b3-flags", "1")])
            // Not sampled: no span, decision forwarded.
            _ = try await harness.send(harness.inboundURL + "/unsampled", headers: [("x-b3-traceid", traceID), ("x-b3-spanid", "b2fb4a1d1a96d312"), ("x-b3-sampled", "0")])
            // Malformed: new trace, the bad value is not forwarded.
            _ = try await harness.send(harness.inboundURL + "/malformed", headers: [("x-b3-traceid", "not-hex"), ("x-b3-spanid", "c2fb4a1d1a96d312")])
            // b3 single wins over multi.
            _ = try await harness.send(harness.inboundURL + "/single", headers: [("b3", "\(traceID)-d2fb4a1d1a96d312-1"), ("x-b3-traceid", "0000000000000001"), ("x-b3-spanid", "0000000000000002")])

            let byPath = Dictionary(harness.app.recorded.map { ($0.head.uri, $0.head.headers) }, uniquingKeysWith: { a, _ in a })
            #expect(byPath["/debug"]?.first(name: "x-b3-flags") == "1")
            #expect(byPath["/unsampled"]?.first(name: "x-b3-sampled") == "0")
            #expect(byPath["/unsampled"]?.first(name: "x-b3-traceid") == traceID)
            let malformed = try #require(byPath["/malformed"])
            #expect(malformed.first(name: "x-b3-traceid") != "not-hex")
            #expect(malformed.first(name: "x-b3-traceid")?.count == 32)
            #expect(byPath["/single"]?.first(name: "b3")?.hasPrefix("\(traceID)-d2fb4a1d1a96d312") == true)
            #expect(byPath["/single"]?.first(name: "x-b3-spanid") == "d2fb4a1d1a96d312")

            let spans = await harness.sink.wait { $0.count >= 3 }
            #expect(spans.count == 3, "the not-sampled request reports nothing")
            #expect(spans.first { $0.tags["http.path"] == "/debug" }?.debug == true)
            #expect(!spans.contains { $0.tags["http.path"] == "/unsampled" })
            let newTrace = try #require(spans.first { $0.tags["http.path"] == "/malformed" })
            #expect(newTrace.parentID == nil && !newTrace.shared)
            #expect(spans.first { $0.tags["http.path"] == "/single" }?.id.hex == "d2fb4a1d1a96d312")
        }
    }

    @Test("inbound W3C: the SERVER span has its own id with the caller as parent")
    func inboundW3C() async throws {
        let harness = try await ProxyHarness.start()
        try await harness.shuttingDown {
            _ = try await harness.send(harness.inboundURL + "/", headers: [("traceparent", "00-\(traceID)-00f067aa0ba902b7-01"), ("tracestate", "vendor=1")])
            let headers = try #require(harness.app.recorded.first).head.headers
            let span = try #require(await harness.sink.wait { !$0.isEmpty }.first)
            #expect(span.traceID.hex == traceID && span.parentID?.hex == "00f067aa0ba902b7" && !span.shared)
            #expect(headers.first(name: "traceparent") == "00-\(traceID)-\(span.id.hex)-01")
            #expect(headers.first(name: "tracestate") == "vendor=1")
            #expect(headers.first(name: "x-b3-spanid") == span.id.hex)
        }
    }

    @Test("outbound: Host and absolute-form calls reach the routed service with a CLIENT child span")
    func outboundClientSpan() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let ratings = try await TestHTTPServer(group: group) { _ in .reply(status: .ok, headers: [], body: "5 stars") }
        let port = ratings.port
        let harness = try await ProxyHarness.start(service: "reviews", routes: { _ in
            ["ratings": Route(endpoints: [RouteEndpoint(address: HostPort(host: "127.0.0.1", port: port))])]
        })
        try await harness.shuttingDown {
            let forwarded: [(String, String)] = [("host", "ratings"), ("x-b3-traceid", traceID), ("x-b3-spanid", "a2fb4a1d1a96d312"), ("x-b3-sampled", "1"), ("x-request-id", "2d6959d7-b805-4b75-a719-7ce350512fb7")]
            let reply = try await harness.send(harness.outboundURL + "/ratings/0", headers: forwarded)
            #expect(reply.status == 200 && reply.body == "5 stars")
            let received = try #require(ratings.recorded.first)
            #expect(received.head.headers.first(name: "host") == "ratings")
            #expect(received.head.headers.first(name: "x-b3-parentspanid") == "a2fb4a1d1a96d312")
            let clientSpanID = try #require(received.head.headers.first(name: "x-b3-spanid"))

            let spans = await harness.sink.wait { $0.contains { $0.kind == .client } }
            let client = try #require(spans.first { $0.kind == .client })
            #expect(client.id.hex == clientSpanID && client.parentID?.hex == "a2fb4a1d1a96d312" && client.traceID.hex == traceID)
            #expect(client.remoteServiceName == "ratings" && client.localServiceName == "reviews")
            #expect(client.tags["guid:x-request-id"] == "2d6959d7-b805-4b75-a719-7ce350512fb7")

            // Absolute-form, as an HTTP proxy client sends it.
            let raw = try await RawHTTPClient.exchange(
                port: harness.addresses.outbound?.port ?? 0,
                bytes: "GET http://ratings/ratings/1 HTTP/1.1\r\nHost: ratings\r\nConnection: close\r\n\r\n", group: group
            )
            #expect(raw.hasPrefix("HTTP/1.1 200") && raw.hasSuffix("5 stars"))
            #expect(ratings.recorded.last?.head.uri == "/ratings/1")
        }
        await ratings.close()
    }

    @Test("outbound: an unknown service is a 503 naming it, with an error CLIENT span")
    func unknownService() async throws {
        let harness = try await ProxyHarness.start()
        try await harness.shuttingDown {
            let reply = try await harness.send(harness.outboundURL + "/x", headers: [("host", "nosuchservice")])
            #expect(reply.status == 503 && reply.body.contains("nosuchservice"))
            let span = try #require(await harness.sink.wait { !$0.isEmpty }.first)
            #expect(span.kind == .client && span.tags["error"] != nil && span.remoteServiceName == "nosuchservice")
        }
    }

    @Test("weighted routing splits traffic as configured (seeded, statistical tolerance)")
    func weightedRouting() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let v1 = try await TestHTTPServer(group: group) { _ in .reply(status: .ok, headers: [], body: "v1") }
        let v2 = try await TestHTTPServer(group: group) { _ in .reply(status: .ok, headers: [], body: "v2") }
        let ports = (v1.port, v2.port)
        let harness = try await ProxyHarness.start(routes: { _ in
            ["reviews": Route(endpoints: [RouteEndpoint(address: HostPort(host: "127.0.0.1", port: ports.0), weight: 80), RouteEndpoint(address: HostPort(host: "127.0.0.1", port: ports.1), weight: 20)])]
        }, sampling: 0)
        try await harness.shuttingDown {
            let total = 300
            var counts: [String: Int] = [:]
            for _ in 0..<total {
                let reply = try await harness.send(harness.outboundURL + "/reviews/0", headers: [("host", "reviews")])
                counts[reply.body, default: 0] += 1
            }
            let sigma = (Double(total) * 0.8 * 0.2).squareRoot()
            #expect(abs(Double(counts["v1", default: 0]) - Double(total) * 0.8) < 4 * sigma, "\(counts)")
            #expect(counts["v1", default: 0] + counts["v2", default: 0] == total)
        }
        await v1.close()
        await v2.close()
    }

    @Test("faults set through the admin API: abort answers the status with an error span, delay holds the request")
    func faultsViaAdmin() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let ratings = try await TestHTTPServer(group: group) { _ in .reply(status: .ok, headers: [], body: "ok") }
        let port = ratings.port
        let harness = try await ProxyHarness.start(service: "reviews", routes: { _ in
            ["ratings": Route(endpoints: [RouteEndpoint(address: HostPort(host: "127.0.0.1", port: port))])]
        })
        try await harness.shuttingDown {
            let abort = try await harness.send(harness.adminURL + "/config/routes/ratings", method: .PUT, body: #"{"fault":{"abort":{"status":503,"percent":100}}}"#)
            #expect(abort.status == 200 && abort.body.contains(#""abort":{"percent":100,"status":503}"#))
            let aborted = try await harness.send(harness.outboundURL + "/ratings/0", headers: [("host", "ratings")])
            #expect(aborted.status == 503 && ratings.recorded.isEmpty)

            _ = try await harness.send(harness.adminURL + "/config/routes/ratings", method: .PUT, body: #"{"fault":{"delay":{"milliseconds":150,"percent":100}}}"#)
            let started = ContinuousClock.now
            let delayed = try await harness.send(harness.outboundURL + "/ratings/1", headers: [("host", "ratings")])
            let elapsed = ContinuousClock.now - started
            #expect(delayed.status == 200)
            #expect(elapsed >= .milliseconds(150), "a 150 ms delay fault cannot answer sooner (\(elapsed))")

            let stats = try await harness.send(harness.adminURL + "/stats")
            #expect(stats.body.contains(#""faults":{"delayed":1,"aborted":1}"#))
            let spans = await harness.sink.wait { $0.count >= 2 }
            #expect(spans.first { $0.tags["http.path"] == "/ratings/0" }?.tags["error"] != nil)

            let cleared = try await harness.send(harness.adminURL + "/config/routes/ratings", method: .PUT, body: #"{"fault":null}"#)
            #expect(!cleared.body.contains("fault"))
            let bad = try await harness.send(harness.adminURL + "/config/routes/ratings", method: .PUT, body: #"{"retries":-1}"#)
            #expect(bad.status == 400 && bad.body.contains("retries"))
            let reset = try await harness.send(harness.adminURL + "/config/reset", method: .POST)
            #expect(reset.status == 200)
        }
        await ratings.close()
    }

    @Test("upstream connect failure is a 503 and a hung upstream a 504, both with error spans")
    func upstreamFailures() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let hung = try await TestHTTPServer(group: group) { _ in .hang }
        let refusing = try RefusingPort()
        let deadPort = refusing.port
        let hungPort = hung.port
        let harness = try await ProxyHarness.start(routes: { _ in
            [
                "dead": Route(endpoints: [RouteEndpoint(address: HostPort(host: "127.0.0.1", port: deadPort))]),
                "slow": Route(endpoints: [RouteEndpoint(address: HostPort(host: "127.0.0.1", port: hungPort))], timeoutMilliseconds: 200),
            ]
        })
        try await harness.shuttingDown {
            let dead = try await harness.send(harness.outboundURL + "/", headers: [("host", "dead")])
            #expect(dead.status == 503 && dead.body.contains("dead"))
            let slow = try await harness.send(harness.outboundURL + "/", headers: [("host", "slow")])
            #expect(slow.status == 504 && slow.body.contains("slow"))
            let spans = await harness.sink.wait { $0.count >= 2 }
            #expect(spans.allSatisfy { $0.tags["error"] != nil })
            let stats = try await harness.send(harness.adminURL + "/stats")
            #expect(stats.body.contains(#""upstream":{"connectFailures":1,"timeouts":1}"#))
        }
        await hung.close()
        withExtendedLifetime(refusing) {}
    }

    @Test("collector down: requests still succeed and dropped spans are counted")
    func collectorDown() async throws {
        let harness = try await ProxyHarness.start(zipkin: .some("http://127.0.0.1:1/api/v2/spans"))
        try await harness.shuttingDown {
            for _ in 0..<20 {
                let reply = try await harness.send(harness.inboundURL + "/")
                #expect(reply.status == 200)
            }
        }
        let stats = ProxyStatsDocument.json(runtime: harness.proxy.runtime)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.utf8)) as? [String: [String: Any]])
        #expect(object["spans"]?["dropped"] as? Int == 20 && object["spans"]?["reported"] as? Int == 0)
        #expect((object["spans"]?["failedBatches"] as? Int ?? 0) >= 1)
        #expect(object["spans"]?["encoding"] as? String == "json")
    }

    static let badRequestCases: [String: (raw: String, expected: String)] = [
        "content-length with transfer-encoding": ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "HTTP/1.1 400"),
        "conflicting content-length": ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "HTTP/1.1 400"),
        "control byte in a header value": ("GET / HTTP/1.1\r\nHost: a\r\nX-Bad: a\u{01}b\r\n\r\n", "HTTP/1.1 400"),
        "one 70 KB header": ("GET / HTTP/1.1\r\nHost: a\r\nX-Big: \(String(repeating: "a", count: 70_000))\r\n\r\n", "HTTP/1.1 431"),
        "obs-fold continuation line": ("GET / HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n  b\r\n\r\n", "HTTP/1.1 400"),
        "bare CR in a header value": ("GET / HTTP/1.1\r\nHost: a\r\nX-Bad: a\rInjected: 1\r\n\r\n", "HTTP/1.1 400"),
        "LF-only line ending smuggling a header": ("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc", "HTTP/1.1 400"),
        "10 MB x-request-id": ("GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: \(String(repeating: "f", count: 10 << 20))\r\n\r\n", "HTTP/1.1 431"),
        "malformed chunk framing mid-body": ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n", "HTTP/1.1 400"),
        "transfer-encoding without chunked": ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\nabc", "HTTP/1.1 501"),
        "HTTP/2.0 on an HTTP/1.1 port": ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", "HTTP/1.1 505"),
        "700 headers of 100 bytes": ("GET / HTTP/1.1\r\nHost: a\r\n" + (0..<700).map { "X-H\($0): \(String(repeating: "b", count: 100))\r\n" }.joined() + "\r\n", "HTTP/1.1 431"),
    ]

    @Test("bad requests get 400/431 and the proxy answers the next request", arguments: badRequestCases.keys.sorted())
    func badRequests(name: String) async throws {
        let (raw, expected) = try #require(Self.badRequestCases[name])
        let harness = try await ProxyHarness.start()
        try await harness.shuttingDown {
            let answer = try await RawHTTPClient.exchange(port: harness.addresses.inbound.port, bytes: raw, group: harness.group)
            #expect(answer.hasPrefix(expected), "\(answer.prefix(120))")
            #expect(harness.app.recorded.isEmpty, "nothing reached the app")
            #expect(try await harness.send(harness.inboundURL + "/after").status == 200)
        }
    }

    @Test("keep-alive: several requests on one client connection, chunked bodies streamed to the app")
    func keepAliveAndChunked() async throws {
        let harness = try await ProxyHarness.start(appAnswer: { request in
            .reply(status: .ok, headers: [], body: "got \(request.body.count) bytes")
        })
        try await harness.shuttingDown {
            let raw = "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                + "GET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
            let answer = try await RawHTTPClient.exchange(port: harness.addresses.inbound.port, bytes: raw, group: harness.group)
            #expect(answer.components(separatedBy: "HTTP/1.1 200").count == 3, "\(answer)")
            #expect(answer.contains("got 11 bytes"))
            #expect(harness.app.recorded.first?.body == Array("hello world".utf8))
        }
    }

    @Test("a 1 MB response streams through unchanged")
    func largeResponse() async throws {
        let big = String(repeating: "0123456789abcdef", count: 65_536)
        let harness = try await ProxyHarness.start(appAnswer: { _ in .reply(status: .ok, headers: [], body: big) })
        try await harness.shuttingDown {
            do {
                let reply = try await harness.send(harness.inboundURL + "/big")
                #expect(reply.status == 200 && reply.body.count == big.utf8.count && reply.body == big)
            } catch {
                Issue.record("streaming 1 MB failed: \(error)")
            }
        }
    }

    @Test("admin API: ready, config, sampling and metrics")
    func adminAPI() async throws {
        let harness = try await ProxyHarness.start()
        try await harness.shuttingDown {
            #expect(try await harness.send(harness.adminURL + "/ready").body == "ready")
            let config = try await harness.send(harness.adminURL + "/config")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(config.body.utf8)) as? [String: Any])
            #expect(object["service"] as? String == "productpage" && object["nodeId"] as? String == "productpage-v1")
            #expect(object["inbound"] as? String == "127.0.0.1:\(harness.addresses.inbound.port)")
            #expect(object["propagation"] as? [String] == ["b3multi", "b3single", "w3c"])
            let sampling = try await harness.send(harness.adminURL + "/config/sampling", method: .PUT, body: #"{"rate":0.25}"#)
            #expect(sampling.status == 200 && sampling.body.contains(#""sampling":0.25"#))
            #expect(try await harness.send(harness.adminURL + "/config/sampling", method: .PUT, body: #"{"rate":2}"#).status == 400)
            _ = try await harness.send(harness.inboundURL + "/")
            let metrics = try await harness.send(harness.adminURL + "/metrics")
            #expect(metrics.body.contains("tracelab_proxy_requests_total{service=\"productpage\",node_id=\"productpage-v1\",direction=\"inbound\"} 1"))
            #expect(metrics.body.contains("tracelab_proxy_request_duration_seconds_count"))
        }
    }

    @Test("PUT /config/propagation: the next request is read and forwarded in the new formats only; a bad body is a 400; reset puts the start-up formats back")
    func propagationAtRunTime() async throws {
        let harness = try await ProxyHarness.start()
        try await harness.shuttingDown {
            let set = try await harness.send(harness.adminURL + "/config/propagation", method: .PUT, body: #"{"formats":"w3c"}"#)
            #expect(set.status == 200 && set.body.contains(#""propagation":["w3c"]"#), "\(set.body)")
            // B3 is no longer read: a B3-only request starts a new trace, written as W3C only
            // (the B3 headers pass through untouched, as any header the proxy does not speak).
            _ = try await harness.send(harness.inboundURL + "/b3", headers: [("x-b3-traceid", traceID), ("x-b3-spanid", "00f067aa0ba902b7"), ("x-b3-sampled", "1")])
            let forwarded = try #require(harness.app.recorded.first).head.headers
            let span = try #require(await harness.sink.wait { !$0.isEmpty }.first)
            #expect(span.traceID.hex != traceID && span.parentID == nil)
            #expect(forwarded.first(name: "traceparent")?.contains(span.id.hex) == true)
            #expect(forwarded.first(name: "x-b3-traceid") == traceID && forwarded.first(name: "b3") == nil)

            let list = try await harness.send(harness.adminURL + "/config/propagation", method: .PUT, body: #"{"formats":["b3multi","w3c"]}"#)
            #expect(list.status == 200 && list.body.contains(#""propagation":["b3multi","w3c"]"#), "\(list.body)")
            for bad in [#"{"formats":"b3,zipkin"}"#, #"{"formats":[]}"#, #"{"format":"w3c"}"#, #"{"formats":[1]}"#, "w3c"] {
                let reply = try await harness.send(harness.adminURL + "/config/propagation", method: .PUT, body: bad)
                #expect(reply.status == 400, "\(bad) is refused")
                #expect(reply.body.contains("error"))
            }
            let reset = try await harness.send(harness.adminURL + "/config/reset", method: .POST)
            #expect(reset.body.contains(#""propagation":["b3multi","b3single","w3c"]"#), "\(reset.body)")
            _ = try await harness.send(harness.inboundURL + "/b3-again", headers: [("x-b3-traceid", traceID), ("x-b3-spanid", "00f067aa0ba902b7"), ("x-b3-sampled", "1")])
            let again = try #require(harness.app.recorded.last).head.headers
            #expect(again.first(name: "x-b3-traceid") == traceID, "B3 is read again after the reset")
        }
    }

    @Test("clock offset: PUT /config/clock shifts the timestamps of later spans, not their durations; reset puts it back")
    func clockOffset() async throws {
        let harness = try await ProxyHarness.start()
        try await harness.shuttingDown {
            let set = try await harness.send(harness.adminURL + "/config/clock", method: .PUT, body: #"{"offset":"-2s"}"#)
            #expect(set.status == 200 && set.body.contains(#""clockOffsetMicroseconds":-2000000"#), "\(set.body)")
            _ = try await harness.send(harness.inboundURL + "/")
            let answered = WallClock.nowMicros()
            let span = try #require(await harness.sink.wait { !$0.isEmpty }.first)
            let timestamp = try #require(span.timestamp)
            #expect(timestamp + 1_500_000 < answered, "stamped about 2 s before it was answered: \(timestamp) vs \(answered)")
            #expect((span.duration ?? .max) < 1_000_000, "durations come from the monotonic clock")

            let bad = try await harness.send(harness.adminURL + "/config/clock", method: .PUT, body: #"{"offset":"250"}"#)
            #expect(bad.status == 400 && bad.body.contains("invalid clock offset '250'"), "\(bad.body)")
            let reset = try await harness.send(harness.adminURL + "/config/reset", method: .POST)
            #expect(reset.body.contains(#""clockOffsetMicroseconds":0"#))
        }
    }

    @Test("PUT /config/app: inbound requests go to the new app (a user's own, for one lesson); bad bodies are a 400; reset points back at --app")
    func appAtRunTime() async throws {
        let harness = try await ProxyHarness.start()
        let other = try await TestHTTPServer { _ in .reply(status: .ok, headers: [("content-type", "text/plain")], body: "hello from your app") }
        try await harness.shuttingDown {
            let set = try await harness.send(harness.adminURL + "/config/app", method: .PUT, body: #"{"address":"127.0.0.1:\#(other.port)"}"#)
            #expect(set.status == 200 && set.body.contains(#""app":"127.0.0.1:\#(other.port)""#), "\(set.body)")
            let replaced = try await harness.send(harness.inboundURL + "/ratings/0")
            #expect(replaced.body == "hello from your app")
            for bad in [#"{"address":"127.0.0.1"}"#, #"{"addr":"127.0.0.1:1"}"#, #"{"address":7}"#, "127.0.0.1:1"] {
                let reply = try await harness.send(harness.adminURL + "/config/app", method: .PUT, body: bad)
                #expect(reply.status == 400 && reply.body.contains("error"), "\(bad) is refused: \(reply.body)")
            }
            let reset = try await harness.send(harness.adminURL + "/config/reset", method: .POST)
            #expect(reset.body.contains(#""app":"127.0.0.1:\#(harness.app.port)""#), "\(reset.body)")
            let back = try await harness.send(harness.inboundURL + "/ratings/0")
            #expect(back.body == "hello from the app")
        }
        await other.close()
    }
}
