import Foundation

/// An OTLP attribute value (`AnyValue`) as the Zipkin mapping reads it. `OTLPProtobufReader`
/// reads primitives straight off the wire, text as the body's UTF-8 bytes (checked), so that an
/// attribute becomes a tag without a `String` made on the way; arrays and maps — rare in spans,
/// and rendered as JSON text — stay SwiftProtobuf's message, which reads them with its own
/// merge rules.
enum OTLPValue {
    /// No value, or a profile's string index (trace data has no table to look it up in).
    case absent
    /// UTF-8 text.
    case string(ArraySlice<UInt8>)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes(ArraySlice<UInt8>)
    /// An array or a key-value list.
    case structured(Opentelemetry_Proto_Common_V1_AnyValue)

    init(_ value: Opentelemetry_Proto_Common_V1_AnyValue) {
        switch value.value {
        case .stringValue(let text): self = .string(ArraySlice(text.utf8))
        case .boolValue(let flag): self = .bool(flag)
        case .intValue(let number): self = .int(number)
        case .doubleValue(let number): self = .double(number)
        case .bytesValue(let data): self = .bytes(ArraySlice(data))
        case .arrayValue, .kvlistValue: self = .structured(value)
        case .stringValueStrindex, nil: self = .absent
        }
    }
}

/// An attribute (`KeyValue`); its key is UTF-8 bytes, as the value's text.
struct OTLPKeyValue {
    var key: ArraySlice<UInt8>
    var value: OTLPValue

    init(key: ArraySlice<UInt8>, value: OTLPValue) {
        self.key = key
        self.value = value
    }

    init(_ pair: Opentelemetry_Proto_Common_V1_KeyValue) {
        self.init(key: ArraySlice(pair.key.utf8), value: OTLPValue(pair.value))
    }

    /// Whether the key is `name`.
    func hasKey(_ name: String) -> Bool {
        key.count == name.utf8.count && key.elementsEqual(name.utf8)
    }

    var keyText: String { String(decoding: key, as: UTF8.self) }
}
