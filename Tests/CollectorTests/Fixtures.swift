import Foundation
import TraceContext
import Zipkin

/// The real bodies in Fixtures/ (docs/ARCHITECTURE.md, "Reference data") and small hand-made
/// traces for exact expectations.
enum Fixtures {
    static func bytes(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw FixtureMissing(name: name)
        }
        return [UInt8](try Data(contentsOf: url))
    }

    static func spans(_ name: String) throws -> [ZipkinSpan] {
        try ZipkinJSONDecoder().decodeSpans(bytes(name))
    }

    static let envoyServer = "envoy-1.40-server-spans"
    static let envoyClient = "envoy-1.40-client-spans"
    static let otel = "otel-python-1.45-zipkin-spans"

    /// Epoch µs of the hand-made traces: 2026-01-01T00:00:00Z.
    static let base: UInt64 = 1_767_225_600_000_000
    static var baseMillis: UInt64 { base / 1000 }

    static func traceID(_ low: UInt64) -> TraceID { TraceID(low: low) ?? TraceID(low: 1)! }
    static func spanID(_ value: UInt64) -> SpanID { SpanID(value) ?? SpanID(1)! }

    /// frontend (SERVER) → CLIENT to backend → backend SERVER sharing the client's id (B3),
    /// backend → CLIENT to db (uninstrumented). `error` on the db call when `failing`.
    static func b3Trace(_ trace: UInt64, at offset: UInt64 = 0, failing: Bool = false, duration: UInt64 = 10_000) -> [ZipkinSpan] {
        let t = traceID(trace)
        let start = base + offset
        let frontend = ZipkinEndpoint(serviceName: "frontend")
        let backend = ZipkinEndpoint(serviceName: "backend")
        return [
            ZipkinSpan(traceID: t, id: spanID(trace << 8 | 1), name: "get /", kind: .server, timestamp: start, duration: duration,
                       localEndpoint: frontend, tags: ["http.method": "GET", "http.status_code": "200", "guid:x-request-id": "r-\(trace)"]),
            ZipkinSpan(traceID: t, id: spanID(trace << 8 | 2), parentID: spanID(trace << 8 | 1), name: "get /api", kind: .client,
                       timestamp: start + 100, duration: duration - 200, localEndpoint: frontend, remoteEndpoint: ZipkinEndpoint(serviceName: "backend"),
                       annotations: [ZipkinAnnotation(timestamp: start + 150, value: "wire.send")], tags: ["http.method": "GET"]),
            ZipkinSpan(traceID: t, id: spanID(trace << 8 | 2), parentID: spanID(trace << 8 | 1), name: "get /api", kind: .server,
                       timestamp: start + 200, duration: duration - 400, localEndpoint: backend, tags: ["http.path": "/api"], shared: true),
            ZipkinSpan(traceID: t, id: spanID(trace << 8 | 3), parentID: spanID(trace << 8 | 2), name: "query", kind: .client,
                       timestamp: start + 300, duration: 1000, localEndpoint: backend, remoteEndpoint: ZipkinEndpoint(serviceName: "db"),
                       tags: failing ? ["error": "timeout", "db.statement": "select 1"] : ["db.statement": "select 1"]),
        ]
    }

    /// frontend → backend with W3C-style ids: the SERVER has its own id, parent = the CLIENT.
    static func w3cTrace(_ trace: UInt64, at offset: UInt64 = 0) -> [ZipkinSpan] {
        let t = traceID(trace)
        let start = base + offset
        return [
            ZipkinSpan(traceID: t, id: spanID(trace << 8 | 1), name: "get /", kind: .server, timestamp: start, duration: 5000,
                       localEndpoint: ZipkinEndpoint(serviceName: "frontend")),
            ZipkinSpan(traceID: t, id: spanID(trace << 8 | 2), parentID: spanID(trace << 8 | 1), name: "get /w3c", kind: .client,
                       timestamp: start + 100, duration: 4000, localEndpoint: ZipkinEndpoint(serviceName: "frontend"),
                       remoteEndpoint: ZipkinEndpoint(serviceName: "backend")),
            ZipkinSpan(traceID: t, id: spanID(trace << 8 | 3), parentID: spanID(trace << 8 | 2), name: "get /w3c", kind: .server,
                       timestamp: start + 200, duration: 3000, localEndpoint: ZipkinEndpoint(serviceName: "backend")),
        ]
    }
}

struct FixtureMissing: Error, CustomStringConvertible {
    var name: String
    var description: String { "fixture \(name).json is not in the test bundle" }
}
