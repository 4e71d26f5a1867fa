/// Encodes spans as a `zipkin.proto3.ListOfSpans` (openzipkin/zipkin-api, proto3/zipkin.proto),
/// the body of `POST /api/v2/spans` with `Content-Type: application/x-protobuf`.
///
/// Written by hand on the JSON encoder's ``ByteWriter`` rather than through SwiftProtobuf: the
/// sidecar links this target, and a protobuf runtime would add its code and pages to every
/// sidecar of a lab for one message type. Each span's size is computed first so its length
/// prefix is written once, without moving bytes. Fields come in field-number order and the
/// values proto3 treats as defaults (absent parent, no kind, `debug: false`, …) are left out,
/// as protoc's encoders do. Field by field (zipkin.proto):
/// `trace_id` 1 (8 or 16 bytes, big-endian), `parent_id` 2, `id` 3 (8 bytes), `kind` 4,
/// `name` 5, `timestamp` 6 (fixed64), `duration` 7 (varint), `local_endpoint` 8,
/// `remote_endpoint` 9 (`service_name` 1, `ipv4` 2, `ipv6` 3, `port` 4), `annotations` 10
/// (`timestamp` 1 fixed64, `value` 2), `tags` 11 (map entries: key 1, value 2), `debug` 12,
/// `shared` 13. An address that does not parse is left out (see ``IPAddressBytes``); an
/// endpoint with nothing left is left out, as the JSON encoder leaves empty endpoints out.
public struct ZipkinProto3Encoder: Sendable {
    public init() {}

    /// The `ListOfSpans` message holding `spans`.
    public func encode(_ spans: [ZipkinSpan]) -> [UInt8] {
        var writer = ByteWriter(capacity: spans.count * 640 + 16)
        defer { writer.deallocate() }
        for span in spans { write(span, into: &writer) }
        return Array(writer.bytes)
    }

    // Tags: field number << 3 | wire type (0 varint, 1 fixed64, 2 length-delimited).
    private enum Tag {
        static let listSpans: UInt8 = 1 << 3 | 2
        static let traceID: UInt8 = 1 << 3 | 2
        static let parentID: UInt8 = 2 << 3 | 2
        static let id: UInt8 = 3 << 3 | 2
        static let kind: UInt8 = 4 << 3 | 0
        static let name: UInt8 = 5 << 3 | 2
        static let timestamp: UInt8 = 6 << 3 | 1
        static let duration: UInt8 = 7 << 3 | 0
        static let localEndpoint: UInt8 = 8 << 3 | 2
        static let remoteEndpoint: UInt8 = 9 << 3 | 2
        static let annotation: UInt8 = 10 << 3 | 2
        static let tag: UInt8 = 11 << 3 | 2
        static let debug: UInt8 = 12 << 3 | 0
        static let shared: UInt8 = 13 << 3 | 0
        // Endpoint
        static let serviceName: UInt8 = 1 << 3 | 2
        static let ipv4: UInt8 = 2 << 3 | 2
        static let ipv6: UInt8 = 3 << 3 | 2
        static let port: UInt8 = 4 << 3 | 0
        // Annotation
        static let annotationTimestamp: UInt8 = 1 << 3 | 1
        static let annotationValue: UInt8 = 2 << 3 | 2
        // Map entry
        static let entryKey: UInt8 = 1 << 3 | 2
        static let entryValue: UInt8 = 2 << 3 | 2
    }

    /// An endpoint with its addresses parsed once, for both the size and the write.
    private struct Endpoint {
        var serviceName: String?
        var ipv4: UInt32?
        var ipv6: (high: UInt64, low: UInt64)?
        var port: UInt16?

        init?(_ endpoint: ZipkinEndpoint?) {
            guard let endpoint else { return nil }
            serviceName = endpoint.serviceName
            ipv4 = endpoint.ipv4.flatMap(IPAddressBytes.ipv4)
            ipv6 = endpoint.ipv6.flatMap(IPAddressBytes.ipv6)
            port = endpoint.port
            if serviceName == nil, ipv4 == nil, ipv6 == nil, port == nil { return nil }
        }

        var size: Int {
            var size = 0
            if let serviceName { size += ZipkinProto3Encoder.fieldSize(serviceName.utf8.count) }
            if ipv4 != nil { size += 2 + 4 }
            if ipv6 != nil { size += 2 + 16 }
            if let port { size += 1 + ByteWriter.varintSize(UInt64(port)) }
            return size
        }
    }

    /// A length-delimited field of `length` bytes: tag, length, bytes.
    @inline(__always)
    static func fieldSize(_ length: Int) -> Int {
        1 + ByteWriter.varintSize(UInt64(length)) + length
    }

    private func write(_ span: ZipkinSpan, into writer: inout ByteWriter) {
        let local = Endpoint(span.localEndpoint)
        let remote = Endpoint(span.remoteEndpoint)
        var size = Self.fieldSize(span.traceID.is128Bit ? 16 : 8) + Self.fieldSize(8)
        if span.parentID != nil { size += Self.fieldSize(8) }
        if span.kind != nil { size += 2 }
        if let name = span.name { size += Self.fieldSize(name.utf8.count) }
        if span.timestamp != nil { size += 1 + 8 }
        if let duration = span.duration { size += 1 + ByteWriter.varintSize(duration) }
        if let local { size += Self.fieldSize(local.size) }
        if let remote { size += Self.fieldSize(remote.size) }
        for annotation in span.annotations { size += Self.fieldSize(Self.annotationSize(annotation)) }
        span.tags.forEachUTF8 { key, value in size += Self.fieldSize(Self.entrySize(key.count, value.count)) }
        if span.debug { size += 2 }
        if span.shared { size += 2 }

        writer.byte(Tag.listSpans)
        writer.varint(UInt64(size))
        writer.reserve(size)
        let start = writer.count

        writer.byte(Tag.traceID)
        if span.traceID.is128Bit {
            writer.byte(16)
            writer.bigEndian64(span.traceID.high)
        } else {
            writer.byte(8)
        }
        writer.bigEndian64(span.traceID.low)
        if let parent = span.parentID {
            writer.byte(Tag.parentID)
            writer.byte(8)
            writer.bigEndian64(parent.value)
        }
        writer.byte(Tag.id)
        writer.byte(8)
        writer.bigEndian64(span.id.value)
        if let kind = span.kind {
            writer.byte(Tag.kind)
            switch kind {
            case .client: writer.byte(1)
            case .server: writer.byte(2)
            case .producer: writer.byte(3)
            case .consumer: writer.byte(4)
            }
        }
        if let name = span.name { Self.string(Tag.name, name, into: &writer) }
        if let timestamp = span.timestamp {
            writer.byte(Tag.timestamp)
            writer.fixed64(timestamp)
        }
        if let duration = span.duration {
            writer.byte(Tag.duration)
            writer.varint(duration)
        }
        if let local { Self.write(local, tag: Tag.localEndpoint, into: &writer) }
        if let remote { Self.write(remote, tag: Tag.remoteEndpoint, into: &writer) }
        for annotation in span.annotations {
            writer.byte(Tag.annotation)
            writer.varint(UInt64(Self.annotationSize(annotation)))
            writer.byte(Tag.annotationTimestamp)
            writer.fixed64(annotation.timestamp)
            Self.string(Tag.annotationValue, annotation.value, into: &writer)
        }
        span.tags.forEachUTF8 { key, value in
            writer.byte(Tag.tag)
            writer.varint(UInt64(Self.entrySize(key.count, value.count)))
            writer.byte(Tag.entryKey)
            writer.varint(UInt64(key.count))
            writer.raw(key)
            writer.byte(Tag.entryValue)
            writer.varint(UInt64(value.count))
            writer.raw(value)
        }
        if span.debug {
            writer.byte(Tag.debug)
            writer.byte(1)
        }
        if span.shared {
            writer.byte(Tag.shared)
            writer.byte(1)
        }
        assert(writer.count - start == size, "span size computed as \(size), written \(writer.count - start)")
    }

    private static func annotationSize(_ annotation: ZipkinAnnotation) -> Int {
        1 + 8 + fieldSize(annotation.value.utf8.count)
    }

    private static func entrySize(_ keyLength: Int, _ valueLength: Int) -> Int {
        fieldSize(keyLength) + fieldSize(valueLength)
    }

    private static func write(_ endpoint: Endpoint, tag: UInt8, into writer: inout ByteWriter) {
        writer.byte(tag)
        writer.varint(UInt64(endpoint.size))
        if let serviceName = endpoint.serviceName { string(Tag.serviceName, serviceName, into: &writer) }
        if let ipv4 = endpoint.ipv4 {
            writer.byte(Tag.ipv4)
            writer.byte(4)
            for shift in stride(from: 24, through: 0, by: -8) { writer.byte(UInt8(truncatingIfNeeded: ipv4 >> UInt32(shift))) }
        }
        if let ipv6 = endpoint.ipv6 {
            writer.byte(Tag.ipv6)
            writer.byte(16)
            writer.bigEndian64(ipv6.high)
            writer.bigEndian64(ipv6.low)
        }
        if let port = endpoint.port {
            writer.byte(Tag.port)
            writer.varint(UInt64(port))
        }
    }

    private static func string(_ tag: UInt8, _ text: String, into writer: inout ByteWriter) {
        writer.byte(tag)
        var text = text
        text.withUTF8 { bytes in
            writer.varint(UInt64(bytes.count))
            writer.raw(bytes)
        }
    }
}
