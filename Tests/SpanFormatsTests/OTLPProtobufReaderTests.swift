import Foundation
import Testing
import Zipkin
@testable import SpanFormats

/// `OTLPProtobufReader` (the ingest path) against SwiftProtobuf's generated message (the
/// oracle): the same spans and the same refusals for every body.
@Suite("OTLP protobuf read off the wire")
struct OTLPProtobufReaderTests {
    typealias AnyValue = Opentelemetry_Proto_Common_V1_AnyValue

    /// Both decoders' answer: the export, or that the body was refused.
    static func outcomes(_ body: [UInt8]) -> (hand: OTLPExport?, generated: OTLPExport?) {
        (try? OTLPTraceDecoder().decodeProtobuf(body), try? OTLPTraceDecoder().decodeProtobufMessage(body))
    }

    static func array(_ values: [AnyValue]) -> AnyValue {
        .with { $0.arrayValue = .with { $0.values = values } }
    }

    /// A request that uses every message of the schema: two resources, a scope with
    /// attributes, entity references, links, trace state, events with and without attributes,
    /// status, and attribute values of every kind.
    static func richRequest() throws -> [UInt8] {
        var client = TestMessages.otlpSpan()
        client.traceState = "vendor=1"
        client.attributes += [
            TestMessages.attribute("flag", .boolValue(true)), TestMessages.attribute("count", .intValue(-3)),
            TestMessages.attribute("ratio", .doubleValue(0.25)), TestMessages.attribute("raw", .bytesValue(Data([1, 2, 255]))),
            TestMessages.attribute("list", .arrayValue(.with { $0.values = [.with { $0.stringValue = "a" }, .with { $0.intValue = 2 }] })),
            TestMessages.attribute("map", .kvlistValue(.with { $0.values = [TestMessages.attribute("k", .stringValue("v"))] })),
            TestMessages.attribute("index", .stringValueStrindex(4)),
        ]
        client.events = [
            .with { $0.name = "plain"; $0.timeUnixNano = 1_700_000_000_000_001_000 },
            .with { $0.name = "with"; $0.attributes = [TestMessages.attribute("k", .stringValue("v"))] },
        ]
        client.links = [.with { $0.traceID = Data(repeating: 7, count: 16); $0.spanID = Data(repeating: 8, count: 8); $0.traceState = "a=b"; $0.attributes = [TestMessages.attribute("l", .stringValue("x"))] }]
        client.status = .with { $0.code = .error; $0.message = "boom" }
        client.droppedLinksCount = 2
        var server = TestMessages.otlpSpan(kind: .server)
        server.status.code = .ok
        var request = TestMessages.otlpRequest([client, server])
        request.resourceSpans[0].schemaURL = "https://opentelemetry.io/schemas/1.26.0"
        request.resourceSpans[0].resource.entityRefs = [.with { $0.type = "service"; $0.idKeys = ["service.name"]; $0.schemaURL = "s" }]
        request.resourceSpans[0].scopeSpans[0].scope = .with { $0.name = "lib"; $0.version = "1.0"; $0.attributes = [TestMessages.attribute("s", .stringValue("t"))] }
        request.resourceSpans[0].scopeSpans[0].schemaURL = "u"
        request.resourceSpans.append(TestMessages.otlpRequest([TestMessages.otlpSpan(kind: .producer)], service: "ratings").resourceSpans[0])
        return try request.serializedBytes()
    }

    @Test("the rich request reads the same both ways, every span kept")
    func richRequestReads() throws {
        let body = try Self.richRequest()
        let (hand, generated) = Self.outcomes(body)
        #expect(hand == generated)
        #expect(hand?.spans.count == 3)
        #expect(hand?.spans.first?.tags["list"] == #"["a",2]"#)
        #expect(hand?.spans.first?.tags["index"] == nil)
    }

    @Test("the wire reader reads what SwiftProtobuf's generated message reads, and refuses what it refuses: prefixes and 20,000 mutations")
    func sameAsGeneratedMessage() throws {
        OracleComparison.check(try Self.richRequest(), mutations: 20_000, seed: 11) { bytes in
            let (hand, generated) = Self.outcomes(bytes)
            return (hand == generated, hand != nil)
        }
    }

    /// `body` with the bytes of `marker` (written into some string field) replaced by bytes
    /// that are not UTF-8, which no generated message can hold.
    static func breakingUTF8(_ body: [UInt8], marker: String = "QQQ") -> [UInt8] {
        let pattern = Array(marker.utf8)
        guard let start = body.indices.first(where: { body[$0...].starts(with: pattern) }) else { return body }
        var broken = body
        broken.replaceSubrange(start..<start + pattern.count, with: [0xC3, 0x28, 0xFF])
        return broken
    }

    @Test("a string that is not UTF-8 is refused wherever it is, read or not")
    func invalidUTF8Anywhere() throws {
        var bodies: [[UInt8]] = []
        func add(_ change: (inout Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest) -> Void) throws {
            var request = TestMessages.otlpRequest([TestMessages.otlpSpan()])
            change(&request)
            bodies.append(Self.breakingUTF8(try request.serializedBytes()))
        }
        try add { $0.resourceSpans[0].schemaURL = "QQQ" }
        try add { $0.resourceSpans[0].scopeSpans[0].schemaURL = "QQQ" }
        try add { $0.resourceSpans[0].resource.entityRefs = [.with { $0.descriptionKeys = ["QQQ"] }] }
        try add { $0.resourceSpans[0].scopeSpans[0].scope.attributes = [TestMessages.attribute("QQQ", .intValue(1))] }
        try add { $0.resourceSpans[0].scopeSpans[0].spans[0].traceState = "QQQ" }
        try add { $0.resourceSpans[0].scopeSpans[0].spans[0].links = [.with { $0.attributes = [TestMessages.attribute("k", .stringValue("QQQ"))] }] }
        try add { $0.resourceSpans[0].scopeSpans[0].spans[0].events = [.with { $0.name = "QQQ" }] }
        try add { $0.resourceSpans[0].scopeSpans[0].spans[0].status.message = "QQQ" }
        try add { $0.resourceSpans[0].scopeSpans[0].spans[0].attributes = [TestMessages.attribute("k", .kvlistValue(.with { $0.values = [TestMessages.attribute("QQQ", .boolValue(true))] }))] }
        for body in bodies {
            let (hand, generated) = Self.outcomes(body)
            #expect(hand == nil && generated == nil)
        }
        // Bytes values are not text.
        var request = TestMessages.otlpRequest([TestMessages.otlpSpan()])
        request.resourceSpans[0].scopeSpans[0].spans[0].attributes = [TestMessages.attribute("k", .bytesValue(Data("QQQ".utf8)))]
        let (hand, generated) = Self.outcomes(Self.breakingUTF8(try request.serializedBytes()))
        #expect(hand != nil && hand == generated)
    }

    @Test("a value sent twice merges as SwiftProtobuf merges it: the last member wins, two arrays join")
    func repeatedValues() throws {
        /// One span whose only attribute, "k", has each of `values` as its own `value` field;
        /// wrapped by hand in ScopeSpans (span = 2), ResourceSpans (scope_spans = 2) and the
        /// request (resource_spans = 1). Every part is under 128 bytes: one-byte lengths.
        func body(_ values: [AnyValue]) throws -> [UInt8] {
            var span = TestMessages.otlpSpan()
            span.attributes = []
            var pair: [UInt8] = [0x0A, 0x01, UInt8(ascii: "k")]
            for value in values {
                let bytes: [UInt8] = try value.serializedBytes()
                pair += [0x12, UInt8(bytes.count)] + bytes
            }
            let spanBytes: [UInt8] = try span.serializedBytes() + [0x4A, UInt8(pair.count)] + pair
            let scopeSpans: [UInt8] = [0x12, UInt8(spanBytes.count)] + spanBytes
            let resourceSpans: [UInt8] = [0x12, UInt8(scopeSpans.count)] + scopeSpans
            return [0x0A, UInt8(resourceSpans.count)] + resourceSpans
        }
        let cases: [[AnyValue]] = [
            [.with { $0.stringValue = "a" }, .with { $0.intValue = 1 }],
            [.with { $0.stringValue = "a" }, Self.array([.with { $0.boolValue = true }])],
            [Self.array([.with { $0.stringValue = "x" }]), Self.array([.with { $0.stringValue = "y" }])],
            [Self.array([.with { $0.stringValue = "x" }]), .with { $0.doubleValue = 1.5 }],
            [.with { $0.stringValueStrindex = 3 }, .with { $0.boolValue = false }],
            [.with { $0.boolValue = false }, .with { $0.stringValueStrindex = 3 }],
        ]
        for values in cases {
            let (hand, generated) = Self.outcomes(try body(values))
            #expect(hand != nil && hand == generated, "\(values)")
        }
    }

    @Test("arrays nested up to the depth limit are read, one deeper is refused, by both")
    func depthLimit() throws {
        var outcomes: [Bool] = []
        // Each array is two levels (AnyValue, ArrayValue) under the six above it.
        for depth in 40...52 {
            var value: AnyValue = .with { $0.stringValue = "leaf" }
            for _ in 0..<depth { value = Self.array([value]) }
            var span = TestMessages.otlpSpan()
            span.attributes = [.with { $0.key = "deep"; $0.value = value }]
            let (hand, generated) = Self.outcomes(try TestMessages.otlpRequest([span]).serializedBytes())
            #expect(hand == generated, "depth \(depth)")
            outcomes.append(hand != nil)
        }
        #expect(outcomes.contains(true) && outcomes.contains(false), "the limit lies inside the range tried: \(outcomes)")
    }
}
