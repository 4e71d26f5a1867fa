@testable import SpanStore
import Testing
import TraceContext
import Zipkin

@Suite("SpanRow: the SQLite store's searchable terms")
struct SpanRowTests {
    @Test("tags give key=value, annotations their value, each between newlines; newlines inside become spaces")
    func terms() throws {
        let span = ZipkinSpan(
            traceID: try TraceID(hex: "463ac35c9f6413ad48485a3953bb6124"), id: try SpanID(hex: "a2fb4a1d1a96d312"),
            annotations: [ZipkinAnnotation(timestamp: 1, value: "cache\nmiss")],
            tags: ["http.method": "GET", "db.statement": "select 1\nfrom t", "multi\nline": "x"])
        let row = SpanRow(span)
        #expect(row.terms == "\nhttp.method=GET\ndb.statement=select 1 from t\nmulti line=x\ncache miss\n")
        #expect(SpanRow.clean("a\nb\nc") == "a b c")
        #expect(SpanRow.clean("plain") == "plain")
    }
}
