import Foundation
import TraceContext
import Zipkin

/// Maps OTLP spans to Zipkin spans by the OpenTelemetry "Zipkin exporter" rules
/// (opentelemetry-specification, trace/sdk_exporters/zipkin.md, and the generic rules of
/// common/mapping-to-non-otlp.md), as the SDKs' own Zipkin exporters apply them — so a span
/// looks the same here whether the app exported it as OTLP or as Zipkin:
/// - `service.name` of the resource → `localEndpoint.serviceName` (`unknown_service` without it);
/// - kind → kind, INTERNAL and unspecified → none;
/// - start and end nanoseconds → timestamp and duration in microseconds, rounded;
/// - span attributes, then resource attributes → tags (arrays and maps as JSON);
/// - instrumentation scope → `otel.scope.name`/`version` and the deprecated
///   `otel.library.name`/`version`;
/// - status OK → `otel.status_code: OK`; ERROR → `otel.status_code: ERROR` and `error` with
///   the description; a boolean-looking `error: false` attribute is dropped otherwise;
/// - dropped attribute, event and link counts → `otel.dropped_*_count` when non-zero;
/// - events → annotations (`name`, or `{"name": {attributes}}`);
/// - the remote endpoint of a CLIENT or PRODUCER span from the first of the specification's
///   ranked attributes (`peer.service`, `server.address`, `net.peer.name`,
///   `network.peer.address`, …); of other kinds from `peer.service` only.
/// Links and trace state have no Zipkin field and are left out.
struct OTLPSpanMapper {
    var format: SpanFormat
    /// Spans whose ids the JSON reader could not restore, with why.
    var idProblems: [OTLPSpanPosition: String] = [:]

    static let unknownService = "unknown_service"

    func map(_ request: OTLPRequestInput) -> OTLPExport {
        var export = OTLPExport()
        for (r, resourceSpans) in request.resourceSpans.enumerated() {
            let resourceAttributes = resourceSpans.resourceAttributes
            var serviceName = Self.unknownService
            if let name = resourceAttributes.last(where: { $0.hasKey("service.name") }), case .string(let text) = name.value, !text.isEmpty {
                serviceName = String(decoding: text, as: UTF8.self)
            }
            let localEndpoint = ZipkinEndpoint(serviceName: serviceName)
            for (s, scopeSpans) in resourceSpans.scopeSpans.enumerated() {
                for (p, span) in scopeSpans.spans.enumerated() {
                    let position = OTLPSpanPosition(resource: r, scope: s, span: p)
                    do throws(SpanFormatError) {
                        if let problem = idProblems[position] { throw SpanFormatError(format, problem, at: "\(position)") }
                        export.spans.append(try map(
                            span, localEndpoint: localEndpoint, resourceAttributes: resourceAttributes,
                            scope: scopeSpans.scope, position: position
                        ))
                    } catch {
                        export.rejectedSpans += 1
                        if export.rejectionMessage == nil { export.rejectionMessage = error.description }
                    }
                }
            }
        }
        if export.rejectedSpans > 1, let first = export.rejectionMessage {
            export.rejectionMessage = "\(export.rejectedSpans) spans rejected; the first: \(first)"
        }
        return export
    }

    func map(
        _ span: OTLPRequestInput.Span, localEndpoint: ZipkinEndpoint,
        resourceAttributes: [OTLPKeyValue], scope: (name: String, version: String)?,
        position: OTLPSpanPosition
    ) throws(SpanFormatError) -> ZipkinSpan {
        func fail(_ problem: BinaryIDs.Problem, _ field: String, _ expected: String) -> SpanFormatError {
            SpanFormatError(format, problem.describe(field, expected: expected), at: "\(position)")
        }
        let traceID: TraceID, id: SpanID, parentID: SpanID?
        // OTLP trace ids are 16 bytes; an 8-byte one (which Zipkin would take) is refused here as
        // OTLP/JSON's reader refuses it, so both encodings of a request store the same spans.
        // A zero high half is a 64-bit id padded (an SDK continuing a B3 trace from a sidecar):
        // narrowed, as the OpenTelemetry Collector's Zipkin translator prints it, so the app's
        // spans land in the sidecars' trace.
        do throws(BinaryIDs.Problem) {
            guard span.traceID.count == 16 else { throw .length(span.traceID.count) }
            traceID = try BinaryIDs.traceID(span.traceID, keepWidth: false)
        } catch { throw fail(error, "traceId", "16") }
        do throws(BinaryIDs.Problem) { id = try BinaryIDs.spanID(span.spanID) } catch { throw fail(error, "spanId", "8") }
        do throws(BinaryIDs.Problem) { parentID = try BinaryIDs.parentID(span.parentSpanID) } catch { throw fail(error, "parentSpanId", "8 (or empty)") }

        // SpanKind: 1 INTERNAL and 0 UNSPECIFIED (and unknown numbers) have no Zipkin kind.
        let kind: ZipkinSpan.Kind?
        switch span.kind {
        case 2: kind = .server
        case 3: kind = .client
        case 4: kind = .producer
        case 5: kind = .consumer
        default: kind = nil
        }

        var tags = ZipkinTags()
        tags.reserveCapacity(span.attributes.count + resourceAttributes.count + 6)
        // Attribute bytes go into the tags as they are: no String per key or value.
        Self.setTags(span.attributes, in: &tags)
        Self.setTags(resourceAttributes, in: &tags)
        if let scope {
            if !scope.name.isEmpty {
                tags["otel.scope.name"] = scope.name
                tags["otel.library.name"] = scope.name
            }
            if !scope.version.isEmpty {
                tags["otel.scope.version"] = scope.version
                tags["otel.library.version"] = scope.version
            }
        }
        // Status.StatusCode: 1 OK, 2 ERROR; 0 UNSET and unknown numbers say nothing.
        switch span.statusCode {
        case 1:
            tags["otel.status_code"] = "OK"
        case 2:
            tags["otel.status_code"] = "ERROR"
            tags["error"] = span.statusMessage
        default:
            break
        }
        if span.statusCode != 2, tags["error"]?.lowercased() == "false" { tags["error"] = nil }
        if span.droppedAttributesCount > 0 { tags["otel.dropped_attributes_count"] = String(span.droppedAttributesCount) }
        if span.droppedEventsCount > 0 { tags["otel.dropped_events_count"] = String(span.droppedEventsCount) }
        if span.droppedLinksCount > 0 { tags["otel.dropped_links_count"] = String(span.droppedLinksCount) }

        let annotations = span.events.map { event in
            ZipkinAnnotation(
                timestamp: Self.micros(event.timeUnixNano),
                value: event.attributes.isEmpty ? event.name : AttributeText.eventAnnotation(name: event.name, attributes: event.attributes)
            )
        }

        return ZipkinSpan(
            traceID: traceID, id: id, parentID: parentID == id ? nil : parentID, name: span.name, kind: kind,
            timestamp: Self.micros(span.startTimeUnixNano),
            duration: span.endTimeUnixNano >= span.startTimeUnixNano ? Self.micros(span.endTimeUnixNano - span.startTimeUnixNano) : nil,
            localEndpoint: localEndpoint,
            remoteEndpoint: RemoteEndpointAttributes.endpoint(for: kind, attributes: span.attributes),
            annotations: annotations, tags: tags
        )
    }

    /// Each attribute with a tag text set as a tag, a later one replacing an earlier value.
    /// By index, so the attributes are borrowed where they lie rather than copied (retained)
    /// one by one; the tags come `inout`, not captured, so no access is checked at run time.
    static func setTags(_ attributes: [OTLPKeyValue], in tags: inout ZipkinTags) {
        for index in attributes.indices {
            attributes[index].key.withUnsafeBufferPointer { key in
                AttributeText.withTagBytes(attributes[index].value) { tags.set(utf8Key: key, value: $0) }
            }
        }
    }

    /// Nanoseconds to microseconds, rounded half up as the SDKs' Zipkin exporters do.
    static func micros(_ nanoseconds: UInt64) -> UInt64 {
        nanoseconds / 1000 + (nanoseconds % 1000 >= 500 ? 1 : 0)
    }
}
