import Foundation
import TraceContext
import Zipkin

/// Hand-built spans shaped like TraceLab's sidecars report them (tags `component: proxy`,
/// `node_id`, `guid:x-request-id`), on a timeline in milliseconds from a fixed epoch.
enum SpanFactory {
    static let epoch: UInt64 = 1_795_369_410_000_000
    static let traceA = TraceID(high: 0x463a_c35c_9f64_13ad, low: 0x4848_5a39_53bb_6124)!
    static let traceB = TraceID(high: 0x0000_0000_0000_0b0b, low: 0x0000_0000_0000_0b0b)!
    static let traceC = TraceID(high: 0x0000_0000_0000_0c0c, low: 0x0000_0000_0000_0c0c)!
    static let requestID = "4a3cff36-8839-4ce6-bcba-4cfd425df898"
    static let otherRequestID = "760d8a96-6331-4b44-a18b-936548c3762b"

    static func id(_ value: UInt64) -> SpanID { SpanID(value)! }

    /// Epoch µs of a time in ms from `epoch` (may be negative: a clock running behind).
    static func at(_ milliseconds: Double) -> UInt64 { UInt64(Int64(epoch) + Int64(milliseconds * 1000)) }

    /// A sidecar span; times in ms from `epoch`.
    static func sidecar(
        _ id: UInt64, parent: UInt64? = nil, _ kind: ZipkinSpan.Kind, service: String, node: String? = nil,
        remote: String? = nil, from start: Double, to end: Double, shared: Bool = false, trace: TraceID = traceA,
        requestID: String? = SpanFactory.requestID, debug: Bool = false, tags extra: ZipkinTags = [:]
    ) -> ZipkinSpan {
        var tags: ZipkinTags = ["component": "proxy", "node_id": node ?? "\(service)-v1", "http.method": "GET", "http.status_code": "200"]
        if let requestID { tags["guid:x-request-id"] = requestID }
        tags.merge(extra) { $1 }
        return ZipkinSpan(
            traceID: trace, id: SpanID(id)!, parentID: parent.flatMap(SpanID.init), name: "GET /\(remote ?? service)",
            kind: kind, timestamp: at(start), duration: UInt64((end - start) * 1000),
            localEndpoint: ZipkinEndpoint(serviceName: service),
            remoteEndpoint: remote.map { ZipkinEndpoint(serviceName: $0) },
            tags: tags, debug: debug, shared: shared
        )
    }

    /// An app's own span (no `component: proxy`, no `node_id`).
    static func app(
        _ id: UInt64, parent: UInt64?, _ kind: ZipkinSpan.Kind?, service: String, remote: String? = nil,
        from start: Double, to end: Double, trace: TraceID = traceA
    ) -> ZipkinSpan {
        ZipkinSpan(
            traceID: trace, id: SpanID(id)!, parentID: parent.flatMap(SpanID.init), name: "handler",
            kind: kind, timestamp: at(start), duration: UInt64((end - start) * 1000),
            localEndpoint: ZipkinEndpoint(serviceName: service),
            remoteEndpoint: remote.map { ZipkinEndpoint(serviceName: $0) }
        )
    }

    /// productpage → details, productpage → reviews-v2 → ratings with B3: every SERVER span
    /// shares its caller's CLIENT span id (as Envoy and TraceLab's sidecar do).
    static func bookinfoB3(debug: Bool = false) -> [ZipkinSpan] {
        [
            sidecar(1, .server, service: "productpage", from: 0, to: 100, debug: debug),
            sidecar(2, parent: 1, .client, service: "productpage", remote: "details", from: 10, to: 30, debug: debug),
            sidecar(2, parent: 1, .server, service: "details", from: 11, to: 29, shared: true, debug: debug),
            sidecar(3, parent: 1, .client, service: "productpage", remote: "reviews", from: 35, to: 95, debug: debug),
            sidecar(3, parent: 1, .server, service: "reviews", node: "reviews-v2", from: 36, to: 94, shared: true, debug: debug),
            sidecar(4, parent: 3, .client, service: "reviews", node: "reviews-v2", remote: "ratings", from: 50, to: 80, debug: debug),
            sidecar(4, parent: 3, .server, service: "ratings", from: 51, to: 79, shared: true, debug: debug),
        ]
    }

    /// The same calls with W3C: every side has its own span id.
    static func bookinfoW3C() -> [ZipkinSpan] {
        [
            sidecar(1, .server, service: "productpage", from: 0, to: 100),
            sidecar(2, parent: 1, .client, service: "productpage", remote: "details", from: 10, to: 30),
            sidecar(12, parent: 2, .server, service: "details", from: 11, to: 29),
            sidecar(3, parent: 1, .client, service: "productpage", remote: "reviews", from: 35, to: 95),
            sidecar(13, parent: 3, .server, service: "reviews", node: "reviews-v2", from: 36, to: 94),
            sidecar(4, parent: 13, .client, service: "reviews", node: "reviews-v2", remote: "ratings", from: 50, to: 80),
            sidecar(14, parent: 4, .server, service: "ratings", from: 51, to: 79),
        ]
    }

    /// Reads a fixture of the Zipkin tests (real Envoy 1.40 and OTel Python bodies).
    static func fixture(_ name: String) throws -> [ZipkinSpan] {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ZipkinTests/Fixtures/\(name)")
        let data = try Data(contentsOf: url)
        return try ZipkinJSONDecoder().decodeSpans([UInt8](data))
    }
}

extension Array {
    /// A deterministic shuffle, so a failing permutation can be replayed from its seed.
    func shuffled(seed: UInt64) -> [Element] {
        var generator = SplitMix64(seed: seed)
        return shuffled(using: &generator)
    }
}

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
