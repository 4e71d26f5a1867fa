#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Any JSON value of an admin body: read first so that an unknown or mistyped field can be
/// named before the body is decoded into its type. Decoded with FoundationEssentials'
/// `JSONDecoder` (not `JSONSerialization`) so the sidecar does not link all of Foundation.
enum AdminJSONValue: Decodable, Hashable {
    case object([String: AdminJSONValue])
    case array([AdminJSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AdminJSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: AdminJSONValue].self))
        }
    }

    /// The text of a string value; nil for any other kind.
    var string: String? {
        if case .string(let text) = self { text } else { nil }
    }
}
