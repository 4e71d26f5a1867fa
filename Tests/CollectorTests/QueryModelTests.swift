import SpanStore
import Testing

@Suite("Annotation query and trace query")
struct QueryModelTests {
    @Test("parses Zipkin annotationQuery terms", arguments: [
        ("", [AnnotationQuery.Term]()),
        ("error", [.word("error")]),
        ("http.status_code=500", [.tag(key: "http.status_code", value: "500")]),
        ("http.path=/a and error and  retried ", [.tag(key: "http.path", value: "/a"), .word("error"), .word("retried")]),
        ("key=", [.tag(key: "key", value: "")]),
    ])
    func parses(text: String, terms: [AnnotationQuery.Term]) throws {
        #expect(try AnnotationQuery(parsing: text).terms == terms)
    }

    @Test("rejects malformed annotationQuery naming the input", arguments: ["=500", "error and ", " and error", "a and  and b"])
    func rejects(text: String) {
        #expect(throws: SpanStoreError(.invalidAnnotationQuery(text))) { try AnnotationQuery(parsing: text) }
    }

    @Test("minDuration above maxDuration and a zero limit are refused")
    func refusesBadRanges() {
        #expect(throws: SpanStoreError.self) { try TraceQuery(minDuration: 10, maxDuration: 5, endTs: 1, lookback: 1) }
        #expect(throws: SpanStoreError.self) { try TraceQuery(endTs: 1, lookback: 1, limit: 0) }
    }

    @Test("service 'all' and empty names mean no filter, names are lower-cased")
    func normalises() throws {
        let query = try TraceQuery(serviceName: "all", spanName: "GET /X", endTs: 10, lookback: 20)
        #expect(query.serviceName == nil)
        #expect(query.spanName == "get /x")
        #expect(query.windowStartMicros == 0)
        #expect(query.windowEndMicros == 10_999)
    }
}
