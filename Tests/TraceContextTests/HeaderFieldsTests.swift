import Testing
import TraceContext

@Suite("HeaderFields carrier")
struct HeaderFieldsTests {
    @Test("looks names up in any case and returns the first value")
    func lookup() {
        var headers: HeaderFields = ["X-B3-TraceId": "a", "Host": "reviews"]
        headers.add("b", forName: "x-b3-traceid")
        #expect(headers.firstValue(forLowercasedName: "x-b3-traceid") == "a")
        #expect(headers["X-B3-TRACEID"] == "a")
        #expect(headers["host"] == "reviews")
        #expect(headers["x-b3-spanid"] == nil)
    }

    @Test("set replaces every value of the name in place, keeping order")
    func set() {
        var headers = HeaderFields([("A", "1"), ("X-B3-Sampled", "0"), ("B", "2"), ("x-b3-sampled", "0")])
        headers.set("1", forLowercasedName: "x-b3-sampled")
        #expect(headers.fields.map(\.name) == ["A", "x-b3-sampled", "B"])
        #expect(headers["x-b3-sampled"] == "1")
        headers.set("3", forLowercasedName: "c")
        #expect(headers.fields.map(\.name) == ["A", "x-b3-sampled", "B", "c"])
    }

    @Test("remove deletes every value of the name in any case")
    func remove() {
        var headers = HeaderFields([("B3", "1"), ("host", "x"), ("b3", "0"), ("b3", "d")])
        headers.remove(lowercasedName: "b3")
        #expect(headers.fields.map(\.name) == ["host"])
        headers.remove(lowercasedName: "missing")
        #expect(headers.fields.count == 1)
    }

    @Test("names sharing a suffix or a length are kept apart")
    func similarNames() {
        let headers: HeaderFields = ["x-b3-traceid": "t", "x-request-id": "r", "x-b3-sampled": "s", "x-b3-spanid": "p", "x-b3-parentspanid": "q"]
        #expect(headers["x-b3-traceid"] == "t")
        #expect(headers["x-request-id"] == "r")
        #expect(headers["x-b3-sampled"] == "s")
        #expect(headers["x-b3-spanid"] == "p")
        #expect(headers["x-b3-parentspanid"] == "q")
        #expect(headers["b3-traceid"] == nil)
    }
}
