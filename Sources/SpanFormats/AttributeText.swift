import Foundation

/// OpenTelemetry attribute values as Zipkin tag strings, by the OpenTelemetry "Zipkin exporter"
/// rules: primitives as text (booleans `true`/`false`), arrays as a JSON list (typed elements:
/// `[1,2]`, `["a","b"]`), maps as a JSON object, bytes as base64.
enum AttributeText {
    /// The tag text of `value`; nil when the value is empty (an attribute without a value is
    /// no tag).
    static func tag(_ value: OTLPValue) -> String? {
        switch value {
        case .string(let text): String(decoding: text, as: UTF8.self)
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .double(let number): double(number)
        case .bytes(let bytes): Data(bytes).base64EncodedString()
        case .structured(let value): json(value)
        // An index into a profiles dictionary; trace data never uses it and has no table to look in.
        case .absent: nil
        }
    }

    /// Calls `body` with the UTF-8 bytes of `value`'s tag text, straight from the input for
    /// text values; no call when the value is no tag.
    static func withTagBytes(_ value: OTLPValue, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if case .string(let text) = value {
            text.withUnsafeBufferPointer(body)
        } else if var text = tag(value) {
            text.withUTF8(body)
        }
    }

    /// `value` as compact JSON text (`null` when empty).
    static func json(_ value: Opentelemetry_Proto_Common_V1_AnyValue) -> String {
        var text = ""
        write(OTLPValue(value), into: &text, spaced: false)
        return text
    }

    /// A JSON object of `attributes` with its keys sorted: what the OpenTelemetry SDKs' Zipkin
    /// exporter writes as an event's annotation (`{"name": {"key": "value"}}`, Python's
    /// `json.dumps(..., sort_keys=True)` spacing), so both paths give the same annotation.
    static func eventAnnotation(name: String, attributes: [OTLPKeyValue]) -> String {
        var text = "{"
        writeString(name, into: &text)
        text += ": "
        writeObject(attributes.map { (key: $0.keyText, value: $0.value) }.sorted { $0.key < $1.key }, into: &text, spaced: true)
        text += "}"
        return text
    }

    /// Python's `str(float)` for the usual values: `1.5`, `3.0`, `1e-05`, `inf`, `nan`.
    static func double(_ number: Double) -> String {
        number.description
    }

    /// The one JSON writer of attribute values: an array's elements and a map's values, which
    /// SwiftProtobuf's message holds, are written as the same `OTLPValue`s as the top level.
    private static func write(_ value: OTLPValue, into text: inout String, spaced: Bool) {
        switch value {
        case .string(let string): writeString(String(decoding: string, as: UTF8.self), into: &text)
        case .bool(let flag): text += flag ? "true" : "false"
        case .int(let number): text += String(number)
        // JSON has no NaN or infinities: those are written as strings.
        case .double(let number): if number.isFinite { text += double(number) } else { writeString(double(number), into: &text) }
        case .bytes(let bytes): writeString(Data(bytes).base64EncodedString(), into: &text)
        case .absent: text += "null"
        case .structured(let value):
            switch value.value {
            case .arrayValue(let array):
                text += "["
                for (index, element) in array.values.enumerated() {
                    if index > 0 { text += spaced ? ", " : "," }
                    write(OTLPValue(element), into: &text, spaced: spaced)
                }
                text += "]"
            case .kvlistValue(let list):
                writeObject(list.values.map { (key: $0.key, value: OTLPValue($0.value)) }, into: &text, spaced: spaced)
            default:
                // `OTLPValue` keeps only arrays and maps as `.structured`.
                write(OTLPValue(value), into: &text, spaced: spaced)
            }
        }
    }

    private static func writeObject(_ pairs: [(key: String, value: OTLPValue)], into text: inout String, spaced: Bool) {
        text += "{"
        for (index, pair) in pairs.enumerated() {
            if index > 0 { text += spaced ? ", " : "," }
            writeString(pair.key, into: &text)
            text += spaced ? ": " : ":"
            write(pair.value, into: &text, spaced: spaced)
        }
        text += "}"
    }

    /// A JSON string literal, escaping what RFC 8259 requires.
    static func writeString(_ string: String, into text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                text += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
