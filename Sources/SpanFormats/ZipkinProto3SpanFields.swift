import TraceContext
import Zipkin

/// `zipkin.proto3.Span` as read off the wire, before the ids are checked.
struct ZipkinProto3SpanFields {
    var traceID: ArraySlice<UInt8> = []
    var parentID: ArraySlice<UInt8> = []
    var id: ArraySlice<UInt8> = []
    var kind: Int32 = 0
    var name = ""
    var timestamp: UInt64 = 0
    var duration: UInt64 = 0
    var localEndpoint: ZipkinProto3EndpointFields?
    var remoteEndpoint: ZipkinProto3EndpointFields?
    var annotations: [ZipkinAnnotation] = []
    /// The body the tag ranges point into.
    var tagBytes: [UInt8] = []
    /// Each map entry's key and value in `tagBytes`, UTF-8 checked, in wire order.
    var tags: [(key: Range<Int>, value: Range<Int>)] = []
    /// Whether every tag key is ASCII, so that ordering by bytes is ordering by `String`.
    var tagKeysAreASCII = true
    var debug = false
    var shared = false

    /// The span, normalised as zipkin2 normalises it; a bad id names the span (`span INDEX`).
    func zipkinSpan(index: Int) throws(SpanFormatError) -> ZipkinSpan {
        func fail(_ problem: BinaryIDs.Problem, _ field: String, _ expected: String) -> SpanFormatError {
            SpanFormatError(.zipkinProto3, problem.describe(field, expected: expected), at: "span \(index)")
        }
        let traceID: TraceID, id: SpanID, parentID: SpanID?
        do throws(BinaryIDs.Problem) { traceID = try BinaryIDs.traceID(self.traceID, keepWidth: false) } catch { throw fail(error, "trace_id", "8 or 16") }
        do throws(BinaryIDs.Problem) { id = try BinaryIDs.spanID(self.id) } catch { throw fail(error, "id", "8") }
        do throws(BinaryIDs.Problem) { parentID = try BinaryIDs.parentID(self.parentID) } catch { throw fail(error, "parent_id", "8 (or absent)") }
        let kind: ZipkinSpan.Kind?
        switch self.kind {
        case 1: kind = .client
        case 2: kind = .server
        case 3: kind = .producer
        case 4: kind = .consumer
        default: kind = nil
        }
        return ZipkinSpan(
            traceID: traceID, id: id, parentID: parentID == id ? nil : parentID, name: name, kind: kind,
            timestamp: timestamp, duration: duration,
            localEndpoint: localEndpoint?.endpoint, remoteEndpoint: remoteEndpoint?.endpoint,
            annotations: annotations.sorted { ($0.timestamp, $0.value) < ($1.timestamp, $1.value) },
            tags: orderedTags,
            debug: debug, shared: shared && kind != .client
        )
    }

    /// The tags ordered by key, the last of a repeated key winning, as a protobuf map reads;
    /// a non-ASCII key orders (and repeats) by `String`, as the generated message's dictionary does.
    var orderedTags: ZipkinTags {
        if tagKeysAreASCII {
            return tagBytes.withUnsafeBufferPointer { ZipkinTags(orderingByKeyBytes: tags, in: $0) }
        }
        return ZipkinTags(orderingByKey: tags.map {
            (String(decoding: tagBytes[$0.key], as: UTF8.self), String(decoding: tagBytes[$0.value], as: UTF8.self))
        })
    }

    mutating func read(_ reader: ProtobufWireReader) throws(ProtobufWireReader.Problem) {
        var reader = reader
        while let tag = try reader.nextTag() {
            switch (tag.field, tag.wireType) {
            case (1, .lengthDelimited): traceID = reader.bytes[try reader.lengthDelimited()]
            case (2, .lengthDelimited): parentID = reader.bytes[try reader.lengthDelimited()]
            case (3, .lengthDelimited): id = reader.bytes[try reader.lengthDelimited()]
            case (4, .varint): kind = Int32(truncatingIfNeeded: try reader.varint())
            case (5, .lengthDelimited): name = try reader.string()
            case (6, .fixed64): timestamp = try reader.fixed64()
            case (7, .varint): duration = try reader.varint()
            case (8, .lengthDelimited):
                var endpoint = localEndpoint ?? ZipkinProto3EndpointFields()
                try endpoint.read(try reader.message())
                localEndpoint = endpoint
            case (9, .lengthDelimited):
                var endpoint = remoteEndpoint ?? ZipkinProto3EndpointFields()
                try endpoint.read(try reader.message())
                remoteEndpoint = endpoint
            case (10, .lengthDelimited):
                annotations.append(try Self.annotation(try reader.message()))
            case (11, .lengthDelimited):
                if tags.isEmpty {
                    tagBytes = reader.bytes
                    tags.reserveCapacity(16)
                }
                let entry = try Self.tag(try reader.mapEntry())
                tags.append((entry.key, entry.value))
                tagKeysAreASCII = tagKeysAreASCII && entry.keyIsASCII
            case (12, .varint): debug = try reader.varint() != 0
            case (13, .varint): shared = try reader.varint() != 0
            default: try reader.skip(tag)
            }
        }
    }

    /// `zipkin.proto3.Annotation`: fixed64 timestamp = 1, string value = 2.
    static func annotation(_ reader: ProtobufWireReader) throws(ProtobufWireReader.Problem) -> ZipkinAnnotation {
        var reader = reader
        var annotation = ZipkinAnnotation(timestamp: 0, value: "")
        while let tag = try reader.nextTag() {
            switch (tag.field, tag.wireType) {
            case (1, .fixed64): annotation.timestamp = try reader.fixed64()
            case (2, .lengthDelimited): annotation.value = try reader.string()
            default: try reader.skip(tag)
            }
        }
        return annotation
    }

    /// An entry of `map<string, string> tags`: key = 1, value = 2, either may be absent.
    ///
    /// As SwiftProtobuf reads entries: tags as plain varints, an end-group tag is malformed, and
    /// a key or value with another wire type is neither read nor skipped (the next tag is read
    /// from its value's bytes).
    static func tag(_ reader: ProtobufWireReader) throws(ProtobufWireReader.Problem) -> (key: Range<Int>, value: Range<Int>, keyIsASCII: Bool) {
        var reader = reader
        var key = 0..<0, value = 0..<0, keyIsASCII = true
        while let tag = try reader.nextPlainTag() {
            switch (tag.field, tag.wireType) {
            case (_, .endGroup): throw .malformed
            case (1, .lengthDelimited): (key, keyIsASCII) = try reader.utf8Run()
            case (2, .lengthDelimited): value = try reader.utf8Run().range
            case (1, _), (2, _): continue
            default: try reader.skip(tag)
            }
        }
        return (key, value, keyIsASCII)
    }
}

/// `zipkin.proto3.Endpoint`: string service_name = 1, bytes ipv4 = 2, bytes ipv6 = 3, int32 port = 4.
struct ZipkinProto3EndpointFields {
    var serviceName = ""
    var ipv4: ArraySlice<UInt8> = []
    var ipv6: ArraySlice<UInt8> = []
    var port: Int32 = 0

    mutating func read(_ reader: ProtobufWireReader) throws(ProtobufWireReader.Problem) {
        var reader = reader
        while let tag = try reader.nextTag() {
            switch (tag.field, tag.wireType) {
            case (1, .lengthDelimited): serviceName = try reader.string()
            case (2, .lengthDelimited): ipv4 = reader.bytes[try reader.lengthDelimited()]
            case (3, .lengthDelimited): ipv6 = reader.bytes[try reader.lengthDelimited()]
            case (4, .varint): port = Int32(truncatingIfNeeded: try reader.varint())
            default: try reader.skip(tag)
            }
        }
    }

    /// Nil when nothing is set, as zipkin2 drops empty endpoints. Addresses of the wrong size
    /// are dropped rather than failing the span, as zipkin2's proto3 reader does.
    var endpoint: ZipkinEndpoint? {
        let result = ZipkinEndpoint(
            serviceName: serviceName,
            ipv4: IPAddressText.ipv4(Array(ipv4)),
            ipv6: IPAddressText.ipv6(Array(ipv6)),
            port: (1...65535).contains(port) ? UInt16(port) : nil
        )
        return result.isEmpty ? nil : result
    }
}
