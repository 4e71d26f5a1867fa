import Foundation
import SpanStore
import Testing
import TraceContext
import Zipkin

/// The queries the verdict endpoint runs to find a trace's request (`RelatedTraceFinder`):
/// by x-request-id (indexed in both stores) and by service, `node_id` and time window.
@Suite("Span store: related-trace queries")
struct RelatedTraceQueryTests {
    static func span(
        trace: UInt64, id: UInt64, kind: ZipkinSpan.Kind = .server, service: String = "reviews", node: String = "reviews-v2",
        at offset: UInt64, duration: UInt64 = 1_000, requestID: String?
    ) -> ZipkinSpan {
        var tags: ZipkinTags = ["component": "proxy", "node_id": node]
        if let requestID { tags["guid:x-request-id"] = requestID }
        return ZipkinSpan(
            traceID: Fixtures.traceID(trace), id: Fixtures.spanID(id), name: "get /", kind: kind,
            timestamp: Fixtures.base + offset, duration: duration, localEndpoint: ZipkinEndpoint(serviceName: service), tags: tags
        )
    }

    func query(_ annotationQuery: String, service: String? = nil, from start: UInt64 = 0, to end: UInt64 = 60_000_000, limit: Int = 10) throws -> TraceQuery {
        let endTs = (Fixtures.base + end) / 1000
        return try TraceQuery(
            serviceName: service, annotationQuery: AnnotationQuery(parsing: annotationQuery),
            endTs: endTs, lookback: endTs - (Fixtures.base + start) / 1000, limit: limit
        )
    }

    func ids(_ traces: [[ZipkinSpan]]) -> [UInt64] { traces.compactMap { $0.first?.traceID.low } }

    @Test("finds every trace sharing an x-request-id, within the window, and forgets evicted ones", arguments: StoreBackend.allCases)
    func byRequestID(backend: StoreBackend) async throws {
        let store = try backend.make(maxSpans: 5)
        try await store.write([Self.span(trace: 1, id: 1, at: 0, requestID: "r-1")])
        try await store.write([Self.span(trace: 2, id: 2, at: 1_000, requestID: "r-1"), Self.span(trace: 2, id: 3, at: 2_000, requestID: "r-2")])
        try await store.write([Self.span(trace: 3, id: 4, at: 3_000, requestID: "r-3")])
        #expect(ids(try await store.findTraces(query("guid:x-request-id=r-1"))) == [2, 1])
        #expect(ids(try await store.findTraces(query("guid:x-request-id=r-2"))) == [2])
        #expect(ids(try await store.findTraces(query("guid:x-request-id=r-9"))) == [])
        #expect(ids(try await store.findTraces(query("guid:x-request-id=r-1", from: 1_000, to: 60_000_000))) == [2], "the window bounds the matching span")
        #expect(ids(try await store.findTraces(query("guid:x-request-id=r-1 and node_id=reviews-v2"))) == [2, 1])
        #expect(ids(try await store.findTraces(query("guid:x-request-id=r-1 and node_id=ratings-v1"))) == [])

        // A later report adds the id to a stored span: the merged span is found by it.
        var merged = Self.span(trace: 3, id: 4, at: 3_000, requestID: "r-3")
        merged.tags["guid:x-request-id"] = nil
        merged.tags["late"] = "yes"
        try await store.write([merged])
        #expect(ids(try await store.findTraces(query("guid:x-request-id=r-3"))) == [3])

        // Two more spans take the store over 5: trace 1 (seen first) goes, and with it from the answers.
        try await store.write([Self.span(trace: 4, id: 5, at: 4_000, requestID: "r-1"), Self.span(trace: 4, id: 6, at: 5_000, requestID: "r-1")])
        #expect(ids(try await store.findTraces(query("guid:x-request-id=r-1"))) == [4, 2])
    }

    @Test("an x-request-id on hundreds of traces (a client sending a fixed id) is still found, newest first", arguments: StoreBackend.allCases)
    func sharedByMany(backend: StoreBackend) async throws {
        let store = try backend.make()
        for trace in UInt64(1)...300 {
            try await store.write([Self.span(trace: trace, id: trace, at: trace * 1_000, requestID: "fixed")])
        }
        let found = ids(try await store.findTraces(query("guid:x-request-id=fixed", limit: 500)))
        #expect(found.count == 300)
        #expect(found.first == 300)
        #expect(ids(try await store.findTraces(query("guid:x-request-id=fixed", limit: 3))) == [300, 299, 298])
    }

    @Test("finds the traces with a node's spans in a window of a few milliseconds", arguments: StoreBackend.allCases)
    func byNode(backend: StoreBackend) async throws {
        let store = try backend.make()
        try await store.write([Self.span(trace: 1, id: 1, at: 10_000, requestID: "a")])
        try await store.write([Self.span(trace: 2, id: 2, kind: .client, at: 12_000, requestID: "b")])
        try await store.write([Self.span(trace: 3, id: 3, node: "reviews-v1", at: 12_500, requestID: "c")])
        try await store.write([Self.span(trace: 4, id: 4, service: "ratings", node: "ratings-v1", at: 12_600, requestID: "d")])
        try await store.write([Self.span(trace: 5, id: 5, at: 30_000, requestID: "e")])
        #expect(ids(try await store.findTraces(query("node_id=reviews-v2", service: "reviews", from: 9_000, to: 20_000))) == [2, 1])
        #expect(ids(try await store.findTraces(query("node_id=reviews-v1", service: "reviews", from: 9_000, to: 20_000))) == [3])
        #expect(ids(try await store.findTraces(query("node_id=reviews-v2", service: "ratings", from: 9_000, to: 20_000))) == [])
        #expect(ids(try await store.findTraces(query("node_id=reviews-v2", service: "reviews", from: 11_000, to: 13_000))) == [2])
    }

    @Test("a database written before the request_id column is migrated and its ids are found",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "needs the sqlite3 command to write the old schema"))
    func migratesOldDatabase() async throws {
        let path = StoreBackend.temporaryPath()
        let store = try SQLiteSpanStore(path: path)
        try await store.write([Self.span(trace: 7, id: 7, at: 1_000, requestID: "old-id"), Self.span(trace: 8, id: 8, at: 2_000, requestID: nil)])
        // Back to the schema of earlier versions: no request_id column, no index on it.
        let downgrade = Process()
        downgrade.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        downgrade.arguments = [path, "DROP INDEX spans_request_id; ALTER TABLE spans DROP COLUMN request_id;"]
        try downgrade.run()
        downgrade.waitUntilExit()
        #expect(downgrade.terminationStatus == 0)

        let reopened = try SQLiteSpanStore(path: path)
        #expect(ids(try await reopened.findTraces(query("guid:x-request-id=old-id"))) == [7])
        #expect(await reopened.stats().spans == 2)
        try await reopened.write([Self.span(trace: 9, id: 9, at: 3_000, requestID: "old-id")])
        #expect(ids(try await reopened.findTraces(query("guid:x-request-id=old-id"))) == [9, 7])
    }
}
