import SpanFormats
import TraceContext
import Zipkin

/// What must hold for the decoders of `SpanFormats`, whose bodies come from any exporter on the
/// network: a body decodes to valid Zipkin v2 spans that the collector's own v2 JSON codec
/// carries unchanged, or fails with a `SpanFormatError` that names its format and the problem.
extension FuzzProperties {
    /// Input: a `zipkin.proto3.ListOfSpans` body. Besides the common checks: the same spans, or
    /// the same refusal, as the reading through SwiftProtobuf's generated message; one span out
    /// per span in (a bad span rejects the body); the message encoded again by SwiftProtobuf
    /// decodes to the same spans.
    public static func zipkinProto3(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        let body = Array(bytes)
        let spans: [ZipkinSpan]
        let generated = try? ZipkinProto3MessageDecoder().decode(body)
        do {
            spans = try ZipkinProto3Decoder().decode(body)
        } catch {
            try checkError(error, .zipkinProto3)
            if let generated {
                throw Violation(description: "refused a body SwiftProtobuf's message reads as \(generated.count) spans: \(error)")
            }
            return
        }
        guard generated == spans else {
            throw Violation(description: "read \(spans) where SwiftProtobuf's message reads \(generated.map { "\($0)" } ?? "nothing (refused)")")
        }
        try checkSpans(spans)
        guard let message = ProtobufReencoding.zipkinProto3(body) else {
            throw Violation(description: "the decoder read \(spans.count) spans from a body SwiftProtobuf does not parse")
        }
        guard message.spanCount == spans.count else {
            throw Violation(description: "\(message.spanCount) spans in the body, \(spans.count) decoded")
        }
        let again: [ZipkinSpan]
        do {
            again = try ZipkinProto3Decoder().decode(message.reencoded)
        } catch {
            throw Violation(description: "the body re-encoded by SwiftProtobuf is rejected: \(error)")
        }
        guard again == spans else {
            throw Violation(description: "the body re-encoded by SwiftProtobuf decodes differently: \(spans) became \(again)")
        }
    }

    /// Input: a Zipkin v1 JSON body (`POST /api/v1/spans`). The common checks; the v1 rules
    /// (one v2 span per service, kinds from core annotations) are the unit tests' business.
    public static func zipkinV1JSON(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        let spans: [ZipkinSpan]
        do {
            spans = try ZipkinV1JSONDecoder().decode(Array(bytes))
        } catch {
            try checkError(error, .zipkinV1JSON)
            return
        }
        try checkSpans(spans)
    }

    /// Input: an OTLP `ExportTraceServiceRequest` in protobuf. Besides the common checks: the
    /// same export, or the same refusal, as the reading through SwiftProtobuf's generated
    /// message; every span is stored or counted as rejected (with a message); the message
    /// encoded again by SwiftProtobuf gives the same export.
    public static func otlpProtobuf(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        let body = Array(bytes)
        let export: OTLPExport
        let generated = try? OTLPTraceDecoder().decodeProtobufMessage(body)
        do {
            export = try OTLPTraceDecoder().decodeProtobuf(body)
        } catch {
            try checkError(error, .otlpProtobuf)
            if let generated {
                throw Violation(description: "refused a body SwiftProtobuf's message reads as \(generated.spans.count) spans: \(error)")
            }
            return
        }
        guard generated == export else {
            throw Violation(description: "read \(export) where SwiftProtobuf's message reads \(generated.map { "\($0)" } ?? "nothing (refused)")")
        }
        try checkExport(export, .otlpProtobuf)
        guard let message = ProtobufReencoding.otlpProtobuf(body) else {
            throw Violation(description: "the decoder read a body SwiftProtobuf does not parse")
        }
        try checkCount(export, message.spanCount)
        let again: OTLPExport
        do {
            again = try OTLPTraceDecoder().decodeProtobuf(message.reencoded)
        } catch {
            throw Violation(description: "the body re-encoded by SwiftProtobuf is rejected: \(error)")
        }
        guard again == export else {
            throw Violation(description: "the body re-encoded by SwiftProtobuf decodes differently: \(export) became \(again)")
        }
    }

    /// Input: an OTLP/JSON `ExportTraceServiceRequest` (hex ids). Besides the common checks:
    /// every span is stored or counted as rejected, the same request sent as protobuf stores the
    /// same spans and rejects as many, and written in proto3's JSON mapping (base64 ids, which
    /// receivers must take too) it stores the same spans.
    public static func otlpJSON(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        let body = Array(bytes)
        let export: OTLPExport
        do {
            export = try OTLPTraceDecoder().decodeJSON(body)
        } catch {
            try checkError(error, .otlpJSON)
            return
        }
        try checkExport(export, .otlpJSON)
        guard let message = ProtobufReencoding.otlpJSON(body) else {
            throw Violation(description: "the decoder read a body it cannot write again as protobuf and proto3 JSON")
        }
        try checkCount(export, message.spanCount)
        let asProtobuf: OTLPExport, asProto3JSON: OTLPExport
        do {
            asProtobuf = try OTLPTraceDecoder().decodeProtobuf(message.protobuf)
            asProto3JSON = try OTLPTraceDecoder().decodeJSON(message.proto3JSON)
        } catch {
            throw Violation(description: "the request re-encoded is rejected: \(error)")
        }
        guard asProtobuf.spans == export.spans, asProtobuf.rejectedSpans == export.rejectedSpans else {
            throw Violation(description: "the request as protobuf decodes differently: \(export) became \(asProtobuf)")
        }
        guard asProto3JSON.spans == export.spans, asProto3JSON.rejectedSpans == export.rejectedSpans else {
            throw Violation(description: "the request in proto3 JSON (\(String(decoding: message.proto3JSON, as: UTF8.self))) decodes differently: \(export) became \(asProto3JSON)")
        }
    }

    // MARK: shared checks

    /// A rejected body: the error names the format it was read as and says what is wrong.
    static func checkError(_ error: SpanFormatError, _ format: SpanFormat) throws(Violation) {
        guard error.format == format, !error.problem.isEmpty, error.location.map({ !$0.isEmpty }) ?? true,
              error.description.contains(format.description) else {
            throw Violation(description: "a \(format) error must name the format and the problem: \(error.format), '\(error.problem)' at \(String(describing: error.location))")
        }
    }

    /// An OTLP export: its spans pass the common checks; rejected spans come with a message.
    static func checkExport(_ export: OTLPExport, _ format: SpanFormat) throws(Violation) {
        try checkSpans(export.spans)
        guard (export.rejectedSpans > 0) == (export.rejectionMessage != nil),
              export.rejectionMessage.map({ !$0.isEmpty && $0.contains(format.description) }) ?? true else {
            throw Violation(description: "\(export.rejectedSpans) spans rejected with the message \(String(describing: export.rejectionMessage))")
        }
    }

    /// Every span of the request is either stored or counted as rejected.
    static func checkCount(_ export: OTLPExport, _ spanCount: Int) throws(Violation) {
        guard export.spans.count + export.rejectedSpans == spanCount else {
            throw Violation(description: "\(spanCount) spans in the request, \(export.spans.count) stored and \(export.rejectedSpans) rejected")
        }
    }

    /// Decoded spans are valid Zipkin v2 spans (`validSpanProblem`), and the collector's v2
    /// JSON encoder and decoder, which store and serve them, give them back unchanged.
    static func checkSpans(_ spans: [ZipkinSpan]) throws(Violation) {
        for (index, span) in spans.enumerated() {
            if let problem = validSpanProblem(span) {
                throw Violation(description: "span \(index) is not a valid Zipkin v2 span: \(problem): \(span)")
            }
        }
        let encoded = ZipkinJSONEncoder().encode(spans)
        let again: [ZipkinSpan]
        do {
            again = try ZipkinJSONDecoder().decodeSpans(encoded)
        } catch {
            throw Violation(description: "the decoded spans written as Zipkin v2 JSON do not decode (\(error)): \(String(decoding: encoded, as: UTF8.self))")
        }
        guard again == spans else {
            throw Violation(description: "the decoded spans changed through Zipkin v2 JSON: \(spans) became \(again)")
        }
    }

    /// What zipkin2's model guarantees of a span it accepts, or nil when all holds: ids of 16 or
    /// 32 (trace) and 16 (span) lower-hex digits, a parent other than the span itself, times
    /// and durations set only when non-zero, `shared` never on a CLIENT span, endpoints
    /// non-empty with a lower-case service name, a port above 0 and IP addresses in their text
    /// forms, tag keys once each.
    static func validSpanProblem(_ span: ZipkinSpan) -> String? {
        func isLowerHex(_ text: String, count: Set<Int>) -> Bool {
            count.contains(text.utf8.count) && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        }
        guard isLowerHex(span.traceID.hex, count: [16, 32]), (try? TraceID(hex: span.traceID.hex)) == span.traceID else {
            return "trace id \(span.traceID.hex)"
        }
        guard isLowerHex(span.id.hex, count: [16]), (try? SpanID(hex: span.id.hex)) == span.id else { return "id \(span.id.hex)" }
        if let parent = span.parentID {
            guard isLowerHex(parent.hex, count: [16]) else { return "parent id \(parent.hex)" }
            guard parent != span.id else { return "the span is its own parent" }
        }
        if span.timestamp == 0 || span.duration == 0 { return "a zero timestamp or duration is set instead of absent" }
        if span.name?.isEmpty == true { return "an empty name is set instead of absent" }
        if span.shared, span.kind == .client { return "a CLIENT span is shared" }
        for (side, endpoint) in [("local", span.localEndpoint), ("remote", span.remoteEndpoint)] {
            guard let endpoint else { continue }
            if endpoint.isEmpty { return "the \(side) endpoint is empty instead of absent" }
            if let name = endpoint.serviceName, name.isEmpty || name != name.lowercased() {
                return "the \(side) service name '\(name)' is not lower case and non-empty"
            }
            if endpoint.port == 0 { return "the \(side) port is 0" }
            if let ipv4 = endpoint.ipv4, !isIPv4(ipv4) { return "the \(side) ipv4 '\(ipv4)' is not a dotted quad" }
            if let ipv6 = endpoint.ipv6, !isIPv6(ipv6) { return "the \(side) ipv6 '\(ipv6)' is not an IPv6 address" }
        }
        if Set(span.tags.keys).count != span.tags.count { return "a tag key is there twice" }
        return nil
    }

    /// Four decimal numbers 0...255 of one to three digits, separated by dots.
    static func isIPv4(_ text: String) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            (1...3).contains(part.count) && part.allSatisfy { (0x30...0x39).contains($0) }
                && part.reduce(0) { $0 * 10 + Int($1 - 0x30) } <= 255
        }
    }

    /// Up to eight hex groups of 1 to 4 digits separated by colons, at most one `::`, optionally
    /// ending in an IPv4 dotted quad (RFC 4291 section 2.2).
    static func isIPv6(_ text: String) -> Bool {
        var groups = text.split(separator: ":", omittingEmptySubsequences: false)
        guard groups.count >= 3, groups.count <= 9 else { return false }
        var width = 0
        if let last = groups.last, last.contains(".") {
            guard isIPv4(String(last)) else { return false }
            groups.removeLast()
            width = 2
        }
        let compressed = text.contains("::")
        guard text.split(separator: "::", omittingEmptySubsequences: false).count <= 2, !text.contains(":::") else { return false }
        for (index, group) in groups.enumerated() {
            if group.isEmpty {
                // Only as part of the one `::`, which may start or end the address.
                guard compressed, index == 0 || index == groups.count - 1 || groups[index - 1].isEmpty || groups[index + 1].isEmpty else {
                    return false
                }
                continue
            }
            guard group.utf8.count <= 4, group.allSatisfy(\.isHexDigit), group.allSatisfy(\.isASCII) else { return false }
            width += 1
        }
        return compressed ? width < 8 : width == 8
    }
}
