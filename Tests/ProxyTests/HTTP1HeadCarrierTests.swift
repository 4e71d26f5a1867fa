import HTTP1Wire
@testable import ProxyCore
import Testing
import TraceContext

/// The decider's rewrite through the carrier the forwarder uses: every trace header of the
/// configured formats replaced, whatever its case, and nothing else touched; a head without
/// any gets the new ones added and nothing dropped.
@Suite("Trace headers rewritten in a head read off the wire")
struct HTTP1HeadCarrierTests {
    static let owned = TraceContextPropagation.headerNames(of: [.b3Multi, .b3Single, .w3c])

    static func rewritten(_ fields: String) throws -> (text: String, dropped: Int) {
        let head = try HTTP1HeadParser.request(Array("GET / HTTP/1.1\r\n\(fields)\r\n".utf8))
        var carrier = HTTP1HeadCarrier(head.fields)
        carrier.remove(lowercasedNames: owned)
        carrier.set("0af7651916cd43dd8448eb211c80319c", forLowercasedName: "x-b3-traceid")
        carrier.set("b7ad6b7169203331", forLowercasedName: "x-b3-spanid")
        carrier.set("1", forLowercasedName: "x-b3-sampled")
        var output = Array("GET / HTTP/1.1\r\n".utf8)
        carrier.writer.write(fields: head.fields, into: &output)
        return (String(decoding: output, as: UTF8.self), carrier.writer.dropped.count)
    }

    @Test("received trace headers of any case are replaced; the other fields stay in order")
    func replaces() throws {
        let (text, _) = try Self.rewritten("X-B3-TraceId: bad\r\nHost: reviews\r\nB3: x-y\r\nAccept: */*\r\nx-b3-SPANID: s\r\nTraceparent: t\r\nX-Other: 1\r\n")
        #expect(text == """
            GET / HTTP/1.1\r\nHost: reviews\r\nAccept: */*\r\nX-Other: 1\r\n\
            x-b3-traceid: 0af7651916cd43dd8448eb211c80319c\r\nx-b3-spanid: b7ad6b7169203331\r\nx-b3-sampled: 1\r\n\r\n
            """)
    }

    @Test("a head without trace headers drops nothing and gets the new ones")
    func addsOnly() throws {
        let (text, dropped) = try Self.rewritten("Host: reviews\r\nAccept: */*\r\n")
        #expect(dropped == 0)
        #expect(text == """
            GET / HTTP/1.1\r\nHost: reviews\r\nAccept: */*\r\n\
            x-b3-traceid: 0af7651916cd43dd8448eb211c80319c\r\nx-b3-spanid: b7ad6b7169203331\r\nx-b3-sampled: 1\r\n\r\n
            """)
    }

    @Test("a field whose name only shares a set name's length and end bytes is kept")
    func lookalike() throws {
        // "x-b3-tracexd" shares x-b3-traceid's key (length 12, 'x', 'd') but is another name.
        let (text, dropped) = try Self.rewritten("X-B3-TraceXd: keep\r\n")
        #expect(dropped == 0)
        #expect(text.contains("X-B3-TraceXd: keep\r\n"))
    }

    @Test("values set are read back before the head is written")
    func readsBack() throws {
        let head = try HTTP1HeadParser.request(Array("GET / HTTP/1.1\r\nX-Request-Id: old\r\n\r\n".utf8))
        var carrier = HTTP1HeadCarrier(head.fields)
        #expect(carrier.firstValue(forLowercasedName: "x-request-id") == "old")
        carrier.set("1", forLowercasedName: "x-b3-sampled")
        #expect(carrier.firstValue(forLowercasedName: "x-b3-sampled") == "1")
        carrier.remove(lowercasedName: "x-request-id")
        #expect(carrier.firstValue(forLowercasedName: "x-request-id") == nil)
    }
}
