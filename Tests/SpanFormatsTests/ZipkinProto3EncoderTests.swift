import Foundation
import SwiftProtobuf
import Testing
import TraceContext
import Zipkin
@testable import SpanFormats

/// The sidecar's hand-written proto3 encoder (Zipkin target), read back by the collector's
/// SwiftProtobuf decoder: what one writes the other must read field for field.
@Suite("Zipkin proto3 encoding")
struct ZipkinProto3EncoderTests {
    static let traceID128 = TraceID(high: 0x5b8e_fff7_9803_8103, low: 0xd269_b633_813f_c60c)!
    static let traceID64 = TraceID(low: 0x0000_0000_0000_0001)!

    /// A span in the form the decoder normalises to (tags ordered by key, annotations by time,
    /// lower-case service names, `shared` only off CLIENT spans), so a round trip is equality.
    static func span(
        traceID: TraceID = traceID128, kind: ZipkinSpan.Kind? = .server, debug: Bool = false, shared: Bool = true
    ) -> ZipkinSpan {
        ZipkinSpan(
            traceID: traceID, id: SpanID(0xeee1_9b7e_c3c1_b174)!, parentID: SpanID(0xffff_ffff_ffff_fffe)!,
            name: "GET /reviews/0 — ünïcode", kind: kind,
            timestamp: 1_767_225_600_000_123, duration: 300_000_000_001,
            localEndpoint: ZipkinEndpoint(serviceName: "reviews", ipv4: "10.0.0.2", port: 9080),
            remoteEndpoint: ZipkinEndpoint(serviceName: "ratings", ipv6: "2001:db8::1", port: 65535),
            annotations: [
                ZipkinAnnotation(timestamp: 1_767_225_600_000_200, value: "ws"),
                ZipkinAnnotation(timestamp: 1_767_225_600_000_900, value: "wr \"quoted\"\n"),
            ],
            tags: ["": "empty key", "error": "", "guid:x-request-id": "bdd4576b-d3f7-95f9-938f-000000000001",
                   "http.status_code": "200", "long": String(repeating: "x", count: 300), "node_id": "reviews-v2"],
            debug: debug, shared: shared
        )
    }

    static func roundTrip(_ spans: [ZipkinSpan]) throws -> [ZipkinSpan] {
        try ZipkinProto3Decoder().decode(ZipkinProto3Encoder().encode(spans))
    }

    @Test("every field survives the round trip", arguments: [
        span(),
        span(traceID: traceID64, kind: .client, debug: true, shared: false),
        span(kind: .producer),
        span(kind: .consumer, debug: true),
        span(kind: nil, shared: false),
    ])
    func everyField(span: ZipkinSpan) throws {
        let decoded = try Self.roundTrip([span])
        #expect(decoded == [span])
        let first = try #require(decoded.first)
        #expect(first.traceID.is128Bit == span.traceID.is128Bit)
        #expect(first.tags.count == span.tags.count)
        #expect(first.annotations == span.annotations)
    }

    @Test("a span with only its ids, and an empty list")
    func minimal() throws {
        let bare = ZipkinSpan(traceID: Self.traceID64, id: SpanID(1)!)
        #expect(try Self.roundTrip([bare]) == [bare])
        #expect(ZipkinProto3Encoder().encode([]).isEmpty)
        #expect(try Self.roundTrip([]).isEmpty)
    }

    @Test("the same bytes SwiftProtobuf writes for the same message")
    func sameBytesAsSwiftProtobuf() throws {
        // One tag only: SwiftProtobuf writes map entries in its dictionary's order.
        var span = Self.span()
        span.tags = ["http.method": "GET"]
        var message = Zipkin_Proto3_Span()
        message.traceID = Data([0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c])
        message.parentID = Data(repeating: 0xff, count: 7) + Data([0xfe])
        message.id = Data([0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x74])
        message.kind = .server
        message.name = span.name!
        message.timestamp = span.timestamp!
        message.duration = span.duration!
        message.localEndpoint.serviceName = "reviews"
        message.localEndpoint.ipv4 = Data([10, 0, 0, 2])
        message.localEndpoint.port = 9080
        message.remoteEndpoint.serviceName = "ratings"
        message.remoteEndpoint.ipv6 = Data([0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1])
        message.remoteEndpoint.port = 65535
        message.annotations = span.annotations.map { annotation in
            var proto = Zipkin_Proto3_Annotation()
            proto.timestamp = annotation.timestamp
            proto.value = annotation.value
            return proto
        }
        message.tags = ["http.method": "GET"]
        message.shared = true
        #expect(ZipkinProto3Encoder().encode([span]) == (try TestMessages.zipkinList([message])))
    }

    @Test("address text is written as bytes; what is no address is left out", arguments: [
        ("192.168.255.1", nil, "192.168.255.1", nil),
        (nil, "2001:0DB8:0:0:0:0:0:0001", nil, "2001:db8::1"),
        (nil, "::", nil, "::"),
        (nil, "::1", nil, "::1"),
        (nil, "fe80::", nil, "fe80::"),
        (nil, "1:2:3:4:5:6:7:8", nil, "1:2:3:4:5:6:7:8"),
        (nil, "::ffff:10.0.0.1", nil, "::ffff:a00:1"),
        ("256.0.0.1", "1::2::3", nil, nil),
        ("10.0.0", "fe80::1%eth0", nil, nil),
        ("10.0.0.1.", "1:2:3:4:5:6:7:8:9", nil, nil),
        ("localhost", "1:", nil, nil),
    ] as [(String?, String?, String?, String?)])
    func addresses(ipv4: String?, ipv6: String?, expectedIPv4: String?, expectedIPv6: String?) throws {
        let span = ZipkinSpan(
            traceID: Self.traceID64, id: SpanID(2)!,
            localEndpoint: ZipkinEndpoint(serviceName: "svc", ipv4: ipv4, ipv6: ipv6)
        )
        let decoded = try #require(try Self.roundTrip([span]).first)
        #expect(decoded.localEndpoint == ZipkinEndpoint(serviceName: "svc", ipv4: expectedIPv4, ipv6: expectedIPv6))
    }

    @Test("an endpoint whose only field is an address that does not parse is left out")
    func emptiedEndpoint() throws {
        let span = ZipkinSpan(traceID: Self.traceID64, id: SpanID(3)!, remoteEndpoint: ZipkinEndpoint(ipv4: "not an address"))
        let decoded = try #require(try Self.roundTrip([span]).first)
        #expect(decoded.remoteEndpoint == nil)
    }

    @Test("500 random spans round-trip in one list")
    func randomSpans() throws {
        var random = SplitMix64(state: 23)
        let kinds: [ZipkinSpan.Kind?] = [nil] + ZipkinSpan.Kind.allCases
        let spans = (0..<500).map { index -> ZipkinSpan in
            let kind = kinds[Int.random(in: 0..<kinds.count, using: &random)]
            var tags = ZipkinTags()
            for tag in 0..<Int.random(in: 0...20, using: &random) {
                tags["key\(tag)"] = String(repeating: "v", count: Int.random(in: 0...200, using: &random))
            }
            let start = UInt64.random(in: 1...UInt64.max / 2, using: &random)
            return ZipkinSpan(
                traceID: Bool.random(using: &random) ? TraceID.random(is128Bit: true, using: &random) : TraceID.random(is128Bit: false, using: &random),
                id: SpanID(UInt64.random(in: 1...UInt64.max, using: &random))!,
                parentID: Bool.random(using: &random) ? SpanID(UInt64(index) + 0x1_0000) : nil,
                name: Bool.random(using: &random) ? "op\(index)" : nil, kind: kind,
                timestamp: Bool.random(using: &random) ? start : nil,
                duration: Bool.random(using: &random) ? UInt64.random(in: 1...UInt64.max, using: &random) : nil,
                localEndpoint: ZipkinEndpoint(serviceName: "s\(index % 7)", port: UInt16.random(in: 0...UInt16.max, using: &random)),
                annotations: (0..<Int.random(in: 0...3, using: &random)).map { ZipkinAnnotation(timestamp: start + UInt64($0), value: "a\($0)") },
                tags: ZipkinTags(tags.dictionary),
                debug: Bool.random(using: &random), shared: kind != .client && Bool.random(using: &random)
            )
        }
        #expect(try Self.roundTrip(spans) == spans)
    }
}
