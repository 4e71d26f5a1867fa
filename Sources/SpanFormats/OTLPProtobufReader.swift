import SwiftProtobuf

/// Reads an OTLP `ExportTraceServiceRequest` in protobuf straight off the wire into what the
/// Zipkin mapping needs (`OTLPRequestInput`), with SwiftProtobuf's rules, so it accepts and
/// refuses exactly what the generated message does (`OTLPTraceDecoder.decodeProtobufMessage`,
/// the oracle of the tests and the fuzz target): every string field of the schema is checked for
/// UTF-8 even where nothing reads it (trace state, schema URLs, links, entity references); a known
/// field with another wire type is skipped as unknown; a singular message sent twice merges; the
/// last scalar, and the last member of a oneof, wins.
///
/// Why by hand: SwiftProtobuf builds the message tree first — a storage class per span,
/// generic visitors and metadata per field — which made OTLP ingest 3× slower than Zipkin JSON.
/// Array and map attribute values are left to SwiftProtobuf (`OTLPValue.structured`): rare in
/// spans, and their merge rules are its own.
enum OTLPProtobufReader {
    typealias Problem = ProtobufWireReader.Problem

    /// The request, and the wire type of a `resource_spans` field (1) sent as something other
    /// than a message, which a parser keeps as an unknown field and the decoder refuses.
    static func request(_ bytes: [UInt8]) throws(Problem) -> (request: OTLPRequestInput, misplacedList: ProtobufWireReader.WireType?) {
        var reader = ProtobufWireReader(bytes)
        var request = OTLPRequestInput()
        var misplaced: ProtobufWireReader.WireType?
        while let tag = try reader.nextTag() {
            if tag.field == 1, tag.wireType == .lengthDelimited {
                request.resourceSpans.append(try resourceSpans(try reader.message()))
            } else {
                if tag.field == 1, misplaced == nil { misplaced = tag.wireType }
                try reader.skip(tag)
            }
        }
        return (request, misplaced)
    }

    /// `ResourceSpans`: resource = 1, scope_spans = 2, schema_url = 3.
    static func resourceSpans(_ reader: ProtobufWireReader) throws(Problem) -> OTLPRequestInput.ResourceSpans {
        var reader = reader
        var result = OTLPRequestInput.ResourceSpans()
        while let tag = try reader.nextTag() {
            switch (tag.field, tag.wireType) {
            case (1, .lengthDelimited): try resource(try reader.message(), into: &result.resourceAttributes)
            case (2, .lengthDelimited): result.scopeSpans.append(try scopeSpans(try reader.message()))
            case (3, .lengthDelimited): _ = try reader.utf8Run()
            default: try reader.skip(tag)
            }
        }
        return result
    }

    /// `Resource`: attributes = 1, dropped_attributes_count = 2, entity_refs = 3. A second
    /// `resource` field merges into the first: its attributes are appended.
    static func resource(_ reader: ProtobufWireReader, into attributes: inout [OTLPKeyValue]) throws(Problem) {
        var reader = reader
        while let tag = try reader.nextTag() {
            switch (tag.field, tag.wireType) {
            case (1, .lengthDelimited): attributes.append(try keyValue(try reader.message()))
            case (3, .lengthDelimited): try entityRef(try reader.message())
            default: try reader.skip(tag)
            }
        }
    }

    /// `EntityRef`, checked only: schema_url = 1, type = 2, id_keys = 3, description_keys = 4.
    static func entityRef(_ reader: ProtobufWireReader) throws(Problem) {
        var reader = reader
        while let tag = try reader.nextTag() {
            switch (tag.field, tag.wireType) {
            case (1...4, .lengthDelimited): _ = try reader.utf8Run()
            default: try reader.skip(tag)
            }
        }
    }

    /// `ScopeSpans`: scope = 1, spans = 2, schema_url = 3.
    static func scopeSpans(_ reader: ProtobufWireReader) throws(Problem) -> OTLPRequestInput.ScopeSpans {
        var reader = reader
        var result = OTLPRequestInput.ScopeSpans()
        while let tag = try reader.nextTag() {
            switch (tag.field, tag.wireType) {
            case (1, .lengthDelimited):
                var scope = result.scope ?? ("", "")
                try instrumentationScope(try reader.message(), into: &scope)
                result.scope = scope
            case (2, .lengthDelimited): result.spans.append(try span(try reader.message()))
            case (3, .lengthDelimited): _ = try reader.utf8Run()
            default: try reader.skip(tag)
            }
        }
        return result
    }

    /// `InstrumentationScope`: name = 1, version = 2, attributes = 3 (checked only),
    /// dropped_attributes_count = 4.
    static func instrumentationScope(_ reader: ProtobufWireReader, into scope: inout (name: String, version: String)) throws(Problem) {
        var reader = reader
        while let tag = try reader.nextTag() {
            switch (tag.field, tag.wireType) {
            case (1, .lengthDelimited): scope.name = try reader.string()
            case (2, .lengthDelimited): scope.version = try reader.string()
            case (3, .lengthDelimited): _ = try keyValue(try reader.message())
            default: try reader.skip(tag)
            }
        }
    }

    /// `Span`, by field number: trace_id 1, span_id 2, trace_state 3, parent_span_id 4, name 5,
    /// kind 6, start 7, end 8, attributes 9, dropped attributes 10, events 11, dropped events
    /// 12, links 13 (checked only), dropped links 14, status 15, flags 16.
    static func span(_ reader: ProtobufWireReader) throws(Problem) -> OTLPRequestInput.Span {
        var reader = reader
        var span = OTLPRequestInput.Span()
        while let tag = try reader.nextTag() {
            switch (tag.field, tag.wireType) {
            case (1, .lengthDelimited): span.traceID = reader.bytes[try reader.lengthDelimited()]
            case (2, .lengthDelimited): span.spanID = reader.bytes[try reader.lengthDelimited()]
            case (3, .lengthDelimited): _ = try reader.utf8Run()
            case (4, .lengthDelimited): span.parentSpanID = reader.bytes[try reader.lengthDelimited()]
            case (5, .lengthDelimited): span.name = try reader.string()
            case (6, .varint): span.kind = Int32(truncatingIfNeeded: try reader.varint())
            case (7, .fixed64): span.startTimeUnixNano = try reader.fixed64()
            case (8, .fixed64): span.endTimeUnixNano = try reader.fixed64()
            case (9, .lengthDelimited):
                if span.attributes.isEmpty { span.attributes.reserveCapacity(16) }
                span.attributes.append(try keyValue(try reader.message()))
            case (10, .varint): span.droppedAttributesCount = UInt32(truncatingIfNeeded: try reader.varint())
            case (11, .lengthDelimited): span.events.append(try event(try reader.message()))
            case (12, .varint): span.droppedEventsCount = UInt32(truncatingIfNeeded: try reader.varint())
            case (13, .lengthDelimited): try link(try reader.message())
            case (14, .varint): span.droppedLinksCount = UInt32(truncatingIfNeeded: try reader.varint())
            case (15, .lengthDelimited): try status(try reader.message(), into: &span)
            default: try reader.skip(tag)
            }
        }
        return span
    }

    /// `Span.Event`: time_unix_nano = 1, name = 2, attributes = 3, dropped_attributes_count = 4.
    static func event(_ reader: ProtobufWireReader) throws(Problem) -> OTLPRequestInput.Event {
        var reader = reader
        var event = OTLPRequestInput.Event()
        while let tag = try reader.nextTag() {
            switch (tag.field, tag.wireType) {
            case (1, .fixed64): event.timeUnixNano = try reader.fixed64()
            case (2, .lengthDelimited): event.name = try reader.string()
            case (3, .lengthDelimited): event.attributes.append(try keyValue(try reader.message()))
            default: try reader.skip(tag)
            }
        }
        return event
    }

    /// `Span.Link`, checked only: trace_state = 3 and attributes = 4 hold text.
    static func link(_ reader: ProtobufWireReader) throws(Problem) {
        var reader = reader
        while let tag = try reader.nextTag() {
            switch (tag.field, tag.wireType) {
            case (3, .lengthDelimited): _ = try reader.utf8Run()
            case (4, .lengthDelimited): _ = try keyValue(try reader.message())
            default: try reader.skip(tag)
            }
        }
    }

    /// `Status`: message = 2, code = 3; a second `status` field merges into the first.
    static func status(_ reader: ProtobufWireReader, into span: inout OTLPRequestInput.Span) throws(Problem) {
        var reader = reader
        while let tag = try reader.nextTag() {
            switch (tag.field, tag.wireType) {
            case (2, .lengthDelimited): span.statusMessage = try reader.string()
            case (3, .varint): span.statusCode = Int32(truncatingIfNeeded: try reader.varint())
            default: try reader.skip(tag)
            }
        }
    }

    /// `KeyValue`: key = 1, value = 2 (an `AnyValue`; sent twice, the second merges into the
    /// first), key_strindex = 3.
    static func keyValue(_ reader: ProtobufWireReader) throws(Problem) -> OTLPKeyValue {
        let start = reader
        var reader = reader
        var key: ArraySlice<UInt8> = []
        var value = OTLPValue.absent
        var structured = false
        while let tag = try reader.nextTag() {
            switch (tag.field, tag.wireType) {
            case (1, .lengthDelimited): key = reader.bytes[try reader.utf8Run().range]
            case (2, .lengthDelimited): structured = try anyValue(try reader.message(), over: &value) || structured
            default: try reader.skip(tag)
            }
        }
        if structured {
            // An array or a map: SwiftProtobuf merges every `value` field, as the message would.
            var fields: [ProtobufWireReader] = []
            reader = start
            while let tag = try reader.nextTag() {
                if tag.field == 2, tag.wireType == .lengthDelimited { fields.append(try reader.message()) } else { try reader.skip(tag) }
            }
            value = try Self.structured(fields)
        }
        return OTLPKeyValue(key: key, value: value)
    }

    /// Applies an `AnyValue`'s primitive fields over `value` (the last member of the oneof
    /// wins); true when it holds an array (5) or a map (6), which `structured` reads.
    static func anyValue(_ reader: ProtobufWireReader, over value: inout OTLPValue) throws(Problem) -> Bool {
        var reader = reader
        var structured = false
        while let tag = try reader.nextTag() {
            switch (tag.field, tag.wireType) {
            case (1, .lengthDelimited): value = .string(reader.bytes[try reader.utf8Run().range])
            case (2, .varint): value = .bool(try reader.varint() != 0)
            case (3, .varint): value = .int(Int64(bitPattern: try reader.varint()))
            case (4, .fixed64): value = .double(Double(bitPattern: try reader.fixed64()))
            case (5, .lengthDelimited), (6, .lengthDelimited):
                structured = true
                try reader.skip(tag)
            case (7, .lengthDelimited): value = .bytes(reader.bytes[try reader.lengthDelimited()])
            case (8, .varint):
                _ = try reader.varint()
                value = .absent
            default: try reader.skip(tag)
            }
        }
        return structured
    }

    /// The value of a pair's `value` fields, merged by SwiftProtobuf as the generated message
    /// merges them, each parsed with the nesting depth left where it lies.
    static func structured(_ fields: [ProtobufWireReader]) throws(Problem) -> OTLPValue {
        var value = Opentelemetry_Proto_Common_V1_AnyValue()
        do {
            for field in fields {
                var options = BinaryDecodingOptions()
                // The field's reader has `remainingDepth` levels below it; a message parsed on
                // its own counts itself as one.
                options.messageDepthLimit = field.remainingDepth + 1
                try value.merge(serializedBytes: Array(field.remainingBytes), options: options)
            }
        } catch BinaryDecodingError.truncated {
            throw .truncated
        } catch BinaryDecodingError.invalidUTF8 {
            throw .invalidUTF8
        } catch BinaryDecodingError.messageDepthLimit {
            throw .depthLimit
        } catch {
            throw .malformed
        }
        return OTLPValue(value)
    }
}
