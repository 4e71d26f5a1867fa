import Foundation
import SwiftProtobuf
import TraceContext
import Zipkin

/// Zipkin spans as an OTLP `ExportTraceServiceRequest` in protobuf: the reverse of
/// `OTLPSpanMapper` for the fields both models have, so `tracelab bench collector` can post the
/// same spans as OTLP that it posts as Zipkin JSON and proto3.
///
/// One `ResourceSpans` per local service (`service.name`), one scope without a name (so the
/// mapper adds no `otel.scope.*` tags); kind, name, ids, start and end in nanoseconds, tags as
/// string attributes, annotations as events, and the remote service as `peer.service` (which the
/// mapper reads back for CLIENT and PRODUCER spans). Zipkin's `shared` and `debug` have no OTLP
/// field and are not carried.
///
/// It is also the lab services' OTLP exporter (`--app-spans-protocol otlp`): their tracer
/// records `ZipkinSpan`s, and this turns a batch into an OTLP/HTTP body.
public struct OTLPExportEncoder: SpanBatchEncoder {
    public init() {}

    public var contentType: String { "application/x-protobuf" }

    public func encode(_ spans: [ZipkinSpan]) -> [UInt8] {
        var order: [String] = []
        var byService: [String: [Opentelemetry_Proto_Trace_V1_Span]] = [:]
        for span in spans {
            let service = span.localServiceName ?? OTLPSpanMapper.unknownService
            if byService[service] == nil { order.append(service) }
            byService[service, default: []].append(message(span))
        }
        var request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest()
        request.resourceSpans = order.map { service in
            var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
            resourceSpans.resource.attributes = [Self.attribute("service.name", service)]
            var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
            scopeSpans.spans = byService[service] ?? []
            resourceSpans.scopeSpans = [scopeSpans]
            return resourceSpans
        }
        // Serialising a message built here cannot fail (no required fields, no unset oneofs).
        return (try? request.serializedBytes()) ?? []
    }

    private func message(_ span: ZipkinSpan) -> Opentelemetry_Proto_Trace_V1_Span {
        var message = Opentelemetry_Proto_Trace_V1_Span()
        message.traceID = Self.bytes(span.traceID.high, span.traceID.low)
        message.spanID = Self.bytes(span.id.value)
        if let parent = span.parentID { message.parentSpanID = Self.bytes(parent.value) }
        message.name = span.name ?? ""
        switch span.kind {
        case .client: message.kind = .client
        case .server: message.kind = .server
        case .producer: message.kind = .producer
        case .consumer: message.kind = .consumer
        case nil: message.kind = .internal
        }
        if let timestamp = span.timestamp {
            message.startTimeUnixNano = timestamp &* 1000
            message.endTimeUnixNano = (timestamp &+ (span.duration ?? 0)) &* 1000
        }
        var attributes: [Opentelemetry_Proto_Common_V1_KeyValue] = []
        attributes.reserveCapacity(span.tags.count + 1)
        for (key, value) in span.tags { attributes.append(Self.attribute(key, value)) }
        if let remote = span.remoteServiceName { attributes.append(Self.attribute("peer.service", remote)) }
        message.attributes = attributes
        message.events = span.annotations.map { annotation in
            var event = Opentelemetry_Proto_Trace_V1_Span.Event()
            event.timeUnixNano = annotation.timestamp &* 1000
            event.name = annotation.value
            return event
        }
        return message
    }

    private static func attribute(_ key: String, _ value: String) -> Opentelemetry_Proto_Common_V1_KeyValue {
        var pair = Opentelemetry_Proto_Common_V1_KeyValue()
        pair.key = key
        pair.value.stringValue = value
        return pair
    }

    /// Big-endian bytes of the words, as OTLP carries ids (a 64-bit trace id gets a zero high half).
    private static func bytes(_ words: UInt64...) -> Data {
        var data = Data(capacity: words.count * 8)
        for word in words { withUnsafeBytes(of: word.bigEndian) { data.append(contentsOf: $0) } }
        return data
    }
}
