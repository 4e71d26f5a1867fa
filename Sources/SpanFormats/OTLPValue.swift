import Foundation

/// An OTLP attribute value (`AnyValue`) as the Zipkin mapping reads it. `OTLPProtobufReader`
/// reads primitives straight off the wire; arrays and maps — rare in spans, and rendered as JSON
/// text — stay SwiftProtobuf's message, which reads them with its own merge rules.
enum OTLPValue {
    /// No value, or a profile's string index (trace data has no table to look it up in).
    case absent
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes(ArraySlice<UInt8>)
    /// An array or a key-value list.
    case structured(Opentelemetry_Proto_Common_V1_AnyValue)

    init(_ value: Opentelemetry_Proto_Common_V1_AnyValue) {
        switch value.value {
        case .stringValue(let text): self = .string(text)
        case .boolValue(let flag): self = .bool(flag)
        case .intValue(let number): self = .int(number)
        case .doubleValue(let number): self = .double(number)
        case .bytesValue(let data): self = .bytes(ArraySlice(data))
        case .arrayValue, .kvlistValue: self = .structured(value)
        case .stringValueStrindex, nil: self = .absent
        }
    }
}

/// An attribute (`KeyValue`).
struct OTLPKeyValue {
    var key: String
    var value: OTLPValue

    init(key: String, value: OTLPValue) {
        self.key = key
        self.value = value
    }

    init(_ pair: Opentelemetry_Proto_Common_V1_KeyValue) {
        self.init(key: pair.key, value: OTLPValue(pair.value))
    }
}
