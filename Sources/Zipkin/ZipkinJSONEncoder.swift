import TraceContext

/// Encodes spans as a Zipkin v2 JSON list, the body of `POST /api/v2/spans`.
///
/// Writes bytes straight into one growing buffer through a raw pointer (no intermediate
/// `String`s, no `Codable` containers, no per-byte capacity checks) so a proxy can encode a
/// batch without touching its request path's allocator much. Optional fields that are nil, `debug: false` and `shared: false` are left out, as
/// openzipkin's encoder does.
public struct ZipkinJSONEncoder: Sendable {
    public init() {}

    public func encode(_ spans: [ZipkinSpan]) -> [UInt8] {
        var writer = ByteWriter(capacity: spans.count * 768 + 2)
        defer { writer.deallocate() }
        write(spans, into: &writer)
        return Array(writer.bytes)
    }

    public func encode(_ spans: [ZipkinSpan], into buffer: inout [UInt8]) {
        var writer = ByteWriter(capacity: spans.count * 768 + 2)
        defer { writer.deallocate() }
        write(spans, into: &writer)
        buffer.append(contentsOf: writer.bytes)
    }

    public func encodeString(_ spans: [ZipkinSpan]) -> String {
        String(decoding: encode(spans), as: UTF8.self)
    }

    /// Appends one span object (no surrounding list).
    public func encode(_ span: ZipkinSpan, into buffer: inout [UInt8]) {
        var writer = ByteWriter(capacity: 768)
        defer { writer.deallocate() }
        write(span, into: &writer)
        buffer.append(contentsOf: writer.bytes)
    }

    func write(_ spans: [ZipkinSpan], into writer: inout ByteWriter) {
        writer.byte(UInt8(ascii: "["))
        for index in spans.indices {
            if index > spans.startIndex { writer.byte(UInt8(ascii: ",")) }
            write(spans[index], into: &writer)
        }
        writer.byte(UInt8(ascii: "]"))
    }

    func write(_ span: ZipkinSpan, into writer: inout ByteWriter) {
        writer.literal("{\"traceId\":\"")
        if span.traceID.is128Bit { writer.hex16(span.traceID.high) }
        writer.hex16(span.traceID.low)
        if let parent = span.parentID {
            writer.literal("\",\"parentId\":\"")
            writer.hex16(parent.value)
        }
        writer.literal("\",\"id\":\"")
        writer.hex16(span.id.value)
        writer.byte(UInt8(ascii: "\""))
        if let kind = span.kind {
            switch kind {
            case .client: writer.literal(",\"kind\":\"CLIENT\"")
            case .server: writer.literal(",\"kind\":\"SERVER\"")
            case .producer: writer.literal(",\"kind\":\"PRODUCER\"")
            case .consumer: writer.literal(",\"kind\":\"CONSUMER\"")
            }
        }
        if let name = span.name {
            writer.literal(",\"name\":")
            writer.string(name)
        }
        if let timestamp = span.timestamp {
            writer.literal(",\"timestamp\":")
            writer.decimal(timestamp)
        }
        if let duration = span.duration {
            writer.literal(",\"duration\":")
            writer.decimal(duration)
        }
        // An endpoint with nothing in it is left out, as openzipkin does; it decodes as nil.
        if let endpoint = span.localEndpoint, !endpoint.isEmpty {
            writer.literal(",\"localEndpoint\":")
            write(endpoint, into: &writer)
        }
        if let endpoint = span.remoteEndpoint, !endpoint.isEmpty {
            writer.literal(",\"remoteEndpoint\":")
            write(endpoint, into: &writer)
        }
        if !span.annotations.isEmpty {
            writer.literal(",\"annotations\":[")
            for (index, annotation) in span.annotations.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.literal("{\"timestamp\":")
                writer.decimal(annotation.timestamp)
                writer.literal(",\"value\":")
                writer.string(annotation.value)
                writer.byte(UInt8(ascii: "}"))
            }
            writer.byte(UInt8(ascii: "]"))
        }
        if !span.tags.isEmpty {
            writer.literal(",\"tags\":{")
            var first = true
            span.tags.forEachUTF8 { key, value in
                if !first { writer.byte(UInt8(ascii: ",")) }
                first = false
                writer.stringBytes(key)
                writer.byte(UInt8(ascii: ":"))
                writer.stringBytes(value)
            }
            writer.byte(UInt8(ascii: "}"))
        }
        if span.debug { writer.literal(",\"debug\":true") }
        if span.shared { writer.literal(",\"shared\":true") }
        writer.byte(UInt8(ascii: "}"))
    }

    func write(_ endpoint: ZipkinEndpoint, into writer: inout ByteWriter) {
        writer.byte(UInt8(ascii: "{"))
        var first = true
        func separator(_ writer: inout ByteWriter) {
            if !first { writer.byte(UInt8(ascii: ",")) }
            first = false
        }
        if let serviceName = endpoint.serviceName {
            separator(&writer)
            writer.literal("\"serviceName\":")
            writer.string(serviceName)
        }
        if let ipv4 = endpoint.ipv4 {
            separator(&writer)
            writer.literal("\"ipv4\":")
            writer.string(ipv4)
        }
        if let ipv6 = endpoint.ipv6 {
            separator(&writer)
            writer.literal("\"ipv6\":")
            writer.string(ipv6)
        }
        if let port = endpoint.port {
            separator(&writer)
            writer.literal("\"port\":")
            writer.decimal(UInt64(port))
        }
        writer.byte(UInt8(ascii: "}"))
    }
}
