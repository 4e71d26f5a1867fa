import SpanStore
import Testing
import TraceContext
import Zipkin

/// One suite, every backend: what a `SpanStorage` promises in its doc comments.
@Suite("Span store conformance")
struct SpanStoreConformanceTests {
    static let window = (end: Fixtures.baseMillis + 60_000, lookback: UInt64(3_600_000))

    func query(
        service: String? = nil, spanName: String? = nil, annotationQuery: String = "",
        minDuration: UInt64? = nil, maxDuration: UInt64? = nil, limit: Int = 10,
        endTs: UInt64 = window.end, lookback: UInt64 = window.lookback
    ) throws -> TraceQuery {
        try TraceQuery(serviceName: service, spanName: spanName, annotationQuery: AnnotationQuery(parsing: annotationQuery),
                       minDuration: minDuration, maxDuration: maxDuration, endTs: endTs, lookback: lookback, limit: limit)
    }

    @Test("stores the real Envoy and OpenTelemetry bodies and reads each trace back", arguments: StoreBackend.allCases)
    func fixturesRoundTrip(backend: StoreBackend) async throws {
        let store = try backend.make()
        var all: [ZipkinSpan] = []
        for name in [Fixtures.envoyServer, Fixtures.envoyClient, Fixtures.otel] {
            let spans = try Fixtures.spans(name)
            try await store.write(spans)
            all += spans
        }
        // The 64-bit trace 463ac35c9f6413ad holds three reports of the same SERVER span (merged into
        // one) and two CLIENT children.
        let trace = try await store.trace(id: TraceID(hex: "463ac35c9f6413ad"))
        #expect(trace.count == 3)
        #expect(trace.filter { $0.kind == .server }.count == 1)
        #expect(trace.filter { $0.kind == .client }.map(\.id.hex).sorted() == ["37bae99003a464b6", "7a0b59bd5140de50"])
        // The OTel client and the Envoy server of trace 438ed98a… share span id fff4d0d8fa827c67: kept as two.
        let shared = try await store.trace(id: TraceID(hex: "438ed98a9c8fec0b2357180c0b981f04"))
        #expect(shared.map(\.id.hex) == ["fff4d0d8fa827c67", "fff4d0d8fa827c67"])
        #expect(shared.map(\.kind) == [.client, .server])
        #expect(shared[1].shared)
        let stats = await store.stats()
        let distinctTraces = Set(all.map(\.traceID)).count
        #expect(stats.traces == distinctTraces)
        #expect(try await store.serviceNames() == ["demo-sidecar", "otel-client"])
    }

    @Test("stores spans with their JSON as received and reads the same traces back", arguments: StoreBackend.allCases)
    func receivedJSON(backend: StoreBackend) async throws {
        let viaEncoder = try backend.make()
        let viaReceived = try backend.make()
        for name in [Fixtures.envoyServer, Fixtures.envoyClient, Fixtures.otel] {
            let bytes = try Fixtures.bytes(name)
            let (spans, sources) = try ZipkinJSONDecoder().decodeSpansWithSources(bytes)
            try await viaEncoder.write(spans)
            try await viaReceived.write(spans, receivedJSON: sources.map { bytes[$0] })
        }
        for trace in ["463ac35c9f6413ad", "438ed98a9c8fec0b2357180c0b981f04"] {
            let expected = try await viaEncoder.trace(id: TraceID(hex: trace))
            #expect(!expected.isEmpty)
            #expect(try await viaReceived.trace(id: TraceID(hex: trace)) == expected)
        }
        #expect(await viaReceived.stats() == (await viaEncoder.stats()))
    }

    @Test("merges spans of one trace that arrive in any order over many batches", arguments: StoreBackend.allCases)
    func mergesBatches(backend: StoreBackend) async throws {
        let store = try backend.make()
        let spans = Fixtures.b3Trace(1)
        for span in spans.reversed() { try await store.write([span]) }
        let trace = try await store.trace(id: Fixtures.traceID(1))
        #expect(trace.count == 4)
        #expect(trace.map(\.timestamp) == spans.map(\.timestamp))
        #expect(await store.stats().traces == 1, "one trace, however many batches")
    }

    @Test("merges a span reported twice instead of keeping a duplicate", arguments: StoreBackend.allCases)
    func mergesDuplicates(backend: StoreBackend) async throws {
        let store = try backend.make()
        var first = Fixtures.b3Trace(2)[0]
        first.duration = nil
        var second = first
        second.duration = 7777
        second.tags = ["late": "yes"]
        try await store.write([first])
        try await store.write([second])
        let trace = try await store.trace(id: Fixtures.traceID(2))
        #expect(trace.count == 1)
        #expect(trace.first?.duration == 7777)
        #expect(trace.first?.tags["late"] == "yes")
        #expect(trace.first?.tags["http.method"] == "GET")
        #expect(await store.stats().spans == 1)
    }

    @Test("an unknown trace is an empty answer, not an error", arguments: StoreBackend.allCases)
    func unknownTrace(backend: StoreBackend) async throws {
        let store = try backend.make()
        try await store.write(Fixtures.b3Trace(3))
        #expect(try await store.trace(id: Fixtures.traceID(999)).isEmpty)
        #expect(try await store.traces(ids: [Fixtures.traceID(998), Fixtures.traceID(999)]).isEmpty)
    }

    @Test("traceMany returns known traces in the order asked and skips unknown ones", arguments: StoreBackend.allCases)
    func tracesByIDs(backend: StoreBackend) async throws {
        let store = try backend.make()
        try await store.write(Fixtures.b3Trace(4) + Fixtures.w3cTrace(5))
        let found = try await store.traces(ids: [Fixtures.traceID(5), Fixtures.traceID(77), Fixtures.traceID(4)])
        #expect(found.map { $0.first?.traceID } == [Fixtures.traceID(5), Fixtures.traceID(4)])
    }

    @Test("names come back sorted: services, span names, remote services", arguments: StoreBackend.allCases)
    func names(backend: StoreBackend) async throws {
        let store = try backend.make()
        try await store.write(Fixtures.b3Trace(6) + Fixtures.w3cTrace(7))
        #expect(try await store.serviceNames() == ["backend", "frontend"])
        #expect(try await store.spanNames(service: "frontend") == ["get /", "get /api", "get /w3c"])
        #expect(try await store.remoteServiceNames(service: "frontend") == ["backend"])
        #expect(try await store.remoteServiceNames(service: "backend") == ["db"])
        #expect(try await store.spanNames(service: "nobody").isEmpty)
    }

    @Test("finds traces by service, span name, tags, annotations and duration", arguments: StoreBackend.allCases)
    func findTraces(backend: StoreBackend) async throws {
        let store = try backend.make()
        try await store.write(Fixtures.b3Trace(10, at: 0, duration: 10_000))
        try await store.write(Fixtures.b3Trace(11, at: 1_000_000, failing: true, duration: 50_000))
        try await store.write(Fixtures.w3cTrace(12, at: 2_000_000))
        func ids(_ query: TraceQuery) async throws -> [UInt64] {
            try await store.findTraces(query).compactMap { $0.first?.traceID.low }
        }
        #expect(try await ids(query()) == [12, 11, 10], "newest first")
        #expect(try await ids(query(service: "backend")) == [12, 11, 10])
        #expect(try await ids(query(service: "frontend", spanName: "GET /W3C")) == [12])
        #expect(try await ids(query(annotationQuery: "error")) == [11])
        #expect(try await ids(query(annotationQuery: "error=timeout and db.statement=select 1")) == [11])
        #expect(try await ids(query(annotationQuery: "error=other")) == [])
        #expect(try await ids(query(annotationQuery: "wire.send")) == [11, 10])
        #expect(try await ids(query(service: "frontend", annotationQuery: "http.path=/api")) == [], "terms must match a span of the service")
        #expect(try await ids(query(minDuration: 40_000)) == [11])
        #expect(try await ids(query(minDuration: 9_000, maxDuration: 9_700)) == [10])
        #expect(try await ids(query(spanName: "get /", maxDuration: 9_000)) == [12])
        #expect(try await ids(query(limit: 2)) == [12, 11])
    }

    @Test("the time window bounds what is found", arguments: StoreBackend.allCases)
    func window(backend: StoreBackend) async throws {
        let store = try backend.make()
        try await store.write(Fixtures.b3Trace(20, at: 0))
        try await store.write(Fixtures.b3Trace(21, at: 10_000_000))
        func ids(_ query: TraceQuery) async throws -> [UInt64] {
            try await store.findTraces(query).compactMap { $0.first?.traceID.low }
        }
        #expect(try await ids(query(endTs: Fixtures.baseMillis + 5_000, lookback: 10_000)) == [20])
        #expect(try await ids(query(endTs: Fixtures.baseMillis + 20_000, lookback: 12_000)) == [21])
        #expect(try await ids(query(endTs: Fixtures.baseMillis - 1, lookback: 60_000)) == [])
    }

    @Test("dependencies count each call once, B3 shared or W3C, with errors", arguments: StoreBackend.allCases)
    func dependencies(backend: StoreBackend) async throws {
        let store = try backend.make()
        try await store.write(Fixtures.b3Trace(30) + Fixtures.b3Trace(31, failing: true) + Fixtures.w3cTrace(32))
        let links = try await store.dependencies(endTs: Self.window.end, lookback: Self.window.lookback)
        #expect(links == [
            DependencyLink(parent: "backend", child: "db", callCount: 2, errorCount: 1),
            DependencyLink(parent: "frontend", child: "backend", callCount: 3, errorCount: 0),
        ])
        #expect(try await store.dependencies(endTs: Fixtures.baseMillis - 10_000, lookback: 1_000).isEmpty)
    }

    @Test("beyond max spans the oldest traces are evicted and counted", arguments: StoreBackend.allCases)
    func eviction(backend: StoreBackend) async throws {
        let store = try backend.make(maxSpans: 10)
        for trace in UInt64(40)...42 { try await store.write(Fixtures.b3Trace(trace, at: trace * 1000)) }
        let stats = await store.stats()
        #expect(stats.spans == 8)
        #expect(stats.traces == 2)
        #expect(stats.evictedTraces == 1)
        #expect(stats.evictedSpans == 4)
        #expect(try await store.trace(id: Fixtures.traceID(40)).isEmpty)
        #expect(try await store.trace(id: Fixtures.traceID(42)).count == 4)
    }

    @Test("traces older than the retention are dropped", arguments: StoreBackend.allCases)
    func retention(backend: StoreBackend) async throws {
        let clock = TestClock(Fixtures.base)
        let store = try backend.make(retention: 3_600_000_000, clock: clock)
        try await store.write(Fixtures.b3Trace(50))
        clock.advance(by: 2 * 3_600_000_000)
        try await store.write(Fixtures.w3cTrace(51, at: 2 * 3_600_000_000))
        #expect(try await store.trace(id: Fixtures.traceID(50)).isEmpty)
        #expect(try await store.trace(id: Fixtures.traceID(51)).count == 3)
        #expect(await store.stats().expiredTraces == 1)
        #expect(await store.stats().traces == 1)
    }
}

@Suite("SQLite span store")
struct SQLiteSpanStoreTests {
    @Test("keeps spans across a restart")
    func survivesRestart() async throws {
        let path = StoreBackend.temporaryPath()
        do {
            let store = try SQLiteSpanStore(path: path)
            try await store.write(Fixtures.b3Trace(60))
        }
        let reopened = try SQLiteSpanStore(path: path)
        #expect(try await reopened.trace(id: Fixtures.traceID(60)).count == 4)
        #expect(await reopened.stats().spans == 4)
        #expect(await reopened.stats().traces == 1)
        #expect(try await reopened.serviceNames() == ["backend", "frontend"])
    }

    @Test("a path that cannot be a database is a clear error")
    func badPath() {
        #expect {
            _ = try SQLiteSpanStore(path: "/proc/definitely/not/here.sqlite")
        } throws: { error in
            guard let error = error as? SpanStoreError, case .database(let path, _) = error.reason else { return false }
            return path == "/proc/definitely/not/here.sqlite" && error.description.contains("writable")
        }
    }
}
