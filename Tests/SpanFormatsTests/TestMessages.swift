import Foundation
import Testing
@testable import SpanFormats

/// Protobuf messages built the way the real exporters fill them, for the decoders to read.
enum TestMessages {
    static let traceID128: [UInt8] = [0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c]
    static let spanID: [UInt8] = [0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x74]
    static let parentID: [UInt8] = [0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x73]

    static func zipkinSpan() -> Zipkin_Proto3_Span {
        var span = Zipkin_Proto3_Span()
        span.traceID = Data(traceID128)
        span.id = Data(spanID)
        span.parentID = Data(parentID)
        span.kind = .client
        span.name = "GET /api"
        span.timestamp = 1_767_225_600_000_000
        span.duration = 2500
        span.localEndpoint.serviceName = "Frontend"
        span.localEndpoint.ipv4 = Data([10, 0, 0, 1])
        span.localEndpoint.port = 8080
        span.remoteEndpoint.serviceName = "backend"
        span.remoteEndpoint.ipv6 = Data([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        var late = Zipkin_Proto3_Annotation()
        late.timestamp = 1_767_225_600_002_000
        late.value = "wr"
        var early = Zipkin_Proto3_Annotation()
        early.timestamp = 1_767_225_600_001_000
        early.value = "ws"
        span.annotations = [late, early]
        span.tags = ["z": "last", "http.method": "GET", "a": "first"]
        return span
    }

    static func zipkinList(_ spans: [Zipkin_Proto3_Span]) throws -> [UInt8] {
        var list = Zipkin_Proto3_ListOfSpans()
        list.spans = spans
        return try list.serializedBytes()
    }

    static func attribute(_ key: String, _ value: Opentelemetry_Proto_Common_V1_AnyValue.OneOf_Value) -> Opentelemetry_Proto_Common_V1_KeyValue {
        var pair = Opentelemetry_Proto_Common_V1_KeyValue()
        pair.key = key
        pair.value.value = value
        return pair
    }

    static func otlpSpan(kind: Opentelemetry_Proto_Trace_V1_Span.SpanKind = .client) -> Opentelemetry_Proto_Trace_V1_Span {
        var span = Opentelemetry_Proto_Trace_V1_Span()
        span.traceID = Data(traceID128)
        span.spanID = Data(spanID)
        span.parentSpanID = Data(parentID)
        span.name = "GET /reviews/0"
        span.kind = kind
        span.startTimeUnixNano = 1_767_225_600_000_000_499
        span.endTimeUnixNano = 1_767_225_600_002_500_999
        span.attributes = [
            attribute("http.request.method", .stringValue("GET")),
            attribute("http.response.status_code", .intValue(200)),
            attribute("server.address", .stringValue("reviews")),
            attribute("server.port", .intValue(9080)),
        ]
        return span
    }

    static func otlpRequest(_ spans: [Opentelemetry_Proto_Trace_V1_Span], service: String? = "productpage") -> Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest {
        var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        if let service {
            resourceSpans.resource.attributes = [attribute("service.name", .stringValue(service)), attribute("telemetry.sdk.language", .stringValue("swift"))]
        }
        var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        scopeSpans.scope.name = "tracelab.tests"
        scopeSpans.scope.version = "1.0"
        scopeSpans.spans = spans
        resourceSpans.scopeSpans = [scopeSpans]
        var request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest()
        request.resourceSpans = [resourceSpans]
        return request
    }
}

/// A seeded generator, so every mutated body a test tries is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Compares a hand-written decoder with its SwiftProtobuf oracle on a body, every prefix of it
/// and `mutations` seeded mutations (bytes changed, inserted, removed): `same` answers whether
/// both read the same (or both refused) and whether the hand decoder accepted.
enum OracleComparison {
    static func check(_ body: [UInt8], mutations: Int, seed: UInt64, same: ([UInt8]) -> (agree: Bool, accepted: Bool)) {
        for length in 0...body.count {
            #expect(same(Array(body[..<length])).agree, "prefix of \(length) bytes")
        }
        var random = SplitMix64(state: seed)
        var accepted = 0
        for round in 0..<mutations {
            var mutated = body
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let position = Int.random(in: 0..<mutated.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: mutated[position] = UInt8.random(in: 0...255, using: &random)
                case 1: mutated.insert(UInt8.random(in: 0...255, using: &random), at: position)
                default: mutated.remove(at: position)
                }
            }
            let outcome = same(mutated)
            if outcome.accepted { accepted += 1 }
            #expect(outcome.agree, "mutation \(round): \(mutated)")
            if !outcome.agree { break }
        }
        #expect(accepted > 100, "some mutations still decode, so the comparison saw spans")
    }
}
