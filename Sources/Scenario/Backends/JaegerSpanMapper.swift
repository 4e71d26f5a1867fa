import TraceContext
import Zipkin

/// Maps Jaeger's JSON model onto TraceLab's Zipkin span model, the inverse of what Jaeger's
/// Zipkin receiver does on the way in:
///
/// - `references` `CHILD_OF` (else `FOLLOWS_FROM`, else the old `parentSpanID`) in the same
///   trace → `parentId`;
/// - the `span.kind` tag → `kind`; `peer.service` / `peer.ipv4` / `peer.ipv6` / `peer.port`
///   tags → `remoteEndpoint`; the process's `serviceName` and `ip` tag → `localEndpoint`;
/// - `logs` → annotations (the `event` field, or `key=value` pairs);
/// - `flags` bit 2 → `debug`; tag values → strings (`true`, `200`, `0.5`);
/// - Jaeger's own bookkeeping tag `internal.span.format` is dropped.
///
/// B3 shared spans: Jaeger's query service normally gives a SERVER span that reused its
/// caller's span id a fresh id and makes it a child of the CLIENT span (its "span id
/// deduper" adjuster), which the verifier reads as an ordinary hop. When that adjuster is off
/// both spans keep the same id; the SERVER one is then marked `shared`, as Zipkin would have it.
enum JaegerSpanMapper {
    static let consumedTags: Set<String> = [
        "span.kind", "peer.service", "peer.ipv4", "peer.ipv6", "peer.port", "internal.span.format",
    ]

    /// All spans of one Jaeger trace.
    static func spans(of trace: JaegerTrace) throws(JaegerDecodingFailure) -> [ZipkinSpan] {
        var spans: [ZipkinSpan] = []
        spans.reserveCapacity(trace.spans.count)
        for (index, span) in trace.spans.enumerated() {
            let process = span.process ?? span.processID.flatMap { trace.processes?[$0] }
            spans.append(try map(span, process: process, index: index))
        }
        markSharedServerSpans(&spans)
        return spans
    }

    static func map(_ span: JaegerSpan, process: JaegerProcess?, index: Int) throws(JaegerDecodingFailure) -> ZipkinSpan {
        guard let traceHex = BackendIDText.normalised(span.traceID), let traceID = try? TraceID(hex: traceHex) else {
            throw JaegerDecodingFailure(why: "span \(index): traceID '\(span.traceID)' is not 1 to 32 hex digits")
        }
        guard let spanHex = BackendIDText.normalisedSpanID(span.spanID), let id = try? SpanID(hex: spanHex) else {
            throw JaegerDecodingFailure(why: "span \(index): spanID '\(span.spanID)' is not 1 to 16 hex digits, not all zero")
        }
        let parentID = try parent(of: span, traceHex: traceHex, index: index)

        var tags = ZipkinTags()
        var kind: ZipkinSpan.Kind?
        var remote = RemoteEndpointParts()
        for tag in span.tags ?? [] {
            switch tag.key {
            case "span.kind": kind = ZipkinSpan.Kind(rawValue: tag.value.text.uppercased())
            case "peer.service": remote.serviceName = tag.value.text
            case "peer.ipv4": remote.ipv4 = ipv4Text(tag.value)
            case "peer.ipv6": remote.ipv6 = tag.value.text
            case "peer.port": remote.port = UInt16(tag.value.text)
            case "internal.span.format": break
            default: tags[tag.key] = tag.value.text
            }
        }

        return ZipkinSpan(
            traceID: traceID, id: id, parentID: parentID, name: span.operationName, kind: kind,
            timestamp: span.startTime, duration: span.duration,
            localEndpoint: localEndpoint(process),
            remoteEndpoint: remote.endpoint,
            annotations: (span.logs ?? []).map(annotation(of:)),
            tags: tags,
            debug: (span.flags ?? 0) & 2 != 0
        )
    }

    /// The parent within this trace: Jaeger allows references to other traces, which Zipkin's
    /// model cannot express, so those are ignored.
    static func parent(of span: JaegerSpan, traceHex: String, index: Int) throws(JaegerDecodingFailure) -> SpanID? {
        let references = (span.references ?? []).filter { BackendIDText.normalised($0.traceID) == traceHex }
        let chosen = references.first { $0.refType.uppercased() == "CHILD_OF" }
            ?? references.first { $0.refType.uppercased() == "FOLLOWS_FROM" }
        guard let text = chosen?.spanID ?? span.parentSpanID else { return nil }
        guard let hex = BackendIDText.normalisedSpanID(text) else {
            throw JaegerDecodingFailure(why: "span \(index): parent span id '\(text)' is not 1 to 16 hex digits")
        }
        // Old Jaeger versions send parentSpanID "0" for a root.
        return try? SpanID(hex: hex)
    }

    static func localEndpoint(_ process: JaegerProcess?) -> ZipkinEndpoint? {
        guard let process else { return nil }
        var ipv4: String?
        var ipv6: String?
        for tag in process.tags ?? [] where tag.key == "ip" {
            if case .string(let text) = tag.value, text.contains(":") {
                ipv6 = text
            } else {
                ipv4 = ipv4Text(tag.value)
            }
        }
        let endpoint = ZipkinEndpoint(serviceName: process.serviceName, ipv4: ipv4, ipv6: ipv6)
        return endpoint.isEmpty ? nil : endpoint
    }

    /// Jaeger's Zipkin conversion stores IPv4 addresses as int64 tags; others send text.
    static func ipv4Text(_ value: JaegerKeyValue.Value) -> String? {
        switch value {
        case .int64(let number):
            let bits = UInt32(truncatingIfNeeded: number)
            return [24, 16, 8, 0].map { String((bits >> UInt32($0)) & 0xff) }.joined(separator: ".")
        default:
            let text = value.text
            return text.isEmpty ? nil : text
        }
    }

    static func annotation(of log: JaegerLog) -> ZipkinAnnotation {
        let fields = log.fields ?? []
        // Jaeger turns a Zipkin annotation into one `event` field; richer logs keep every field.
        let value: String
        if fields.count == 1 {
            value = fields[0].value.text
        } else {
            value = fields.map { "\($0.key)=\($0.value.text)" }.joined(separator: " ")
        }
        return ZipkinAnnotation(timestamp: log.timestamp, value: value)
    }

    /// A SERVER span whose id is also a CLIENT span's id in the trace is the B3 shared half.
    static func markSharedServerSpans(_ spans: inout [ZipkinSpan]) {
        let clientIDs = Set(spans.lazy.filter { $0.kind == .client }.map(\.id))
        guard !clientIDs.isEmpty else { return }
        for index in spans.indices where spans[index].kind == .server && clientIDs.contains(spans[index].id) {
            spans[index].shared = true
        }
    }
}

/// The remote endpoint, assembled from the `peer.*` tags of one span.
struct RemoteEndpointParts {
    var serviceName: String?
    var ipv4: String?
    var ipv6: String?
    var port: UInt16?

    var endpoint: ZipkinEndpoint? {
        let endpoint = ZipkinEndpoint(serviceName: serviceName, ipv4: ipv4, ipv6: ipv6, port: port)
        return endpoint.isEmpty ? nil : endpoint
    }
}
