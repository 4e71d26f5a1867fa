import Foundation
import Testing
@testable import SpanFormats

@Suite("Span format helpers")
struct SupportTests {
    @Test("IPv6 text is RFC 5952", arguments: [
        ([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] as [UInt8], "2001:db8::1"),
        ([UInt8](repeating: 0, count: 16), "::"),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], "::1"),
        ([0x20, 0x01, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "2001:0:1::"),
        ([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], "2001:db8:0:1:1:1:1:1"),
    ])
    func ipv6(bytes: [UInt8], text: String) {
        #expect(IPAddressText.ipv6(bytes) == text)
    }

    @Test("IP literals are told from names")
    func literals() {
        #expect(IPAddressText.isIPv4("10.0.0.1"))
        #expect(!IPAddressText.isIPv4("reviews"))
        #expect(!IPAddressText.isIPv4("1.2.3.400"))
        #expect(IPAddressText.isIPv6("fe80::1"))
        #expect(!IPAddressText.isIPv6("reviews:9080"))
    }

    @Test("only well-formed literals are IP addresses (fuzz findings: '+1.2.3.4', '::::')", arguments: [
        ("10.0.0.1", true), ("255.255.255.255", true), ("0.0.0.0", true),
        ("+1.2.3.4", false), ("1.2.3", false), ("1.2.3.4.", false), ("1..3.4", false), ("1.2.3.256", false), ("1.2.3.1000", false),
        ("", false), (".1.2.3", false), ("1.2.3.4x", false), ("010.1.1.1", true), ("1.2.3.0255", false), ("١.2.3.4", false),
    ])
    func ipv4Literals(text: String, valid: Bool) {
        #expect(IPAddressText.isIPv4(text) == valid)
    }

    @Test("IPv6 literals: eight groups, or one :: for the rest, maybe ending in a dotted quad", arguments: [
        ("::", true), ("::1", true), ("fe80::", true), ("2001:DB8::1", true), ("1:2:3:4:5:6:7:8", true), ("::ffff:10.0.0.1", true),
        ("::::", false), (":::", false), ("1:::2", false), ("1::2::3", false), ("1:2:3:4:5:6:7:8:9", false), ("1:2:3:4:5:6:7", false),
        ("1:", false), (":1", false), ("12345::1", false), ("fe80::1%eth0", false), ("g::1", false), ("::1.2.3", false), ("1::2:3:4:5:6:7:8", false),
    ])
    func ipv6Literals(text: String, valid: Bool) {
        #expect(IPAddressText.isIPv6(text) == valid)
    }

    @Test("an OTLP error status is a google.rpc.Status: code 1, message 2")
    func statusBody() {
        #expect(OTLPResponseBody.status(code: 3, message: "bad", json: false) == [0x08, 0x03, 0x12, 0x03] + Array("bad".utf8))
        #expect(String(decoding: OTLPResponseBody.status(code: 3, message: "a \"b\"", json: true), as: UTF8.self) == #"{"code":3,"message":"a \"b\""}"#)
    }

    @Test("an export response carries a partial success only when spans were rejected")
    func exportResponse() throws {
        #expect(OTLPResponseBody.exportResponse(OTLPExport(), json: false).isEmpty)
        #expect(String(decoding: OTLPResponseBody.exportResponse(OTLPExport(), json: true), as: UTF8.self) == "{}")
        let partial = OTLPResponseBody.exportResponse(OTLPExport(rejectedSpans: 2, rejectionMessage: "why"), json: false)
        let decoded = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse(serializedBytes: partial)
        #expect(decoded.partialSuccess.rejectedSpans == 2)
        #expect(decoded.partialSuccess.errorMessage == "why")
    }
}
