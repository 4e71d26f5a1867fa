import Foundation

// Jaeger's HTTP query API answers (jaeger `model/json` and `cmd/query/app/http_handler.go`,
// "api_v1"), decoded leniently: fields older or newer versions omit are optional, and tag
// values are read by their declared `type`.

/// `{"data": …, "total": N, "limit": N, "offset": N, "errors": [{"code": N, "msg": "…"}]}`
struct JaegerAPIResponse<Payload: Decodable>: Decodable {
    var data: Payload?
    var errors: [JaegerAPIError]?
}

struct JaegerAPIError: Decodable, Hashable {
    var code: Int?
    var msg: String?
    var traceID: String?
}

struct JaegerTrace: Decodable, Hashable {
    var traceID: String?
    var spans: [JaegerSpan]
    var processes: [String: JaegerProcess]?
    var warnings: [String]?

    enum CodingKeys: String, CodingKey { case traceID, spans, processes, warnings }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        traceID = try container.decodeIfPresent(String.self, forKey: .traceID)
        spans = try container.decodeIfPresent([JaegerSpan].self, forKey: .spans) ?? []
        processes = try container.decodeIfPresent([String: JaegerProcess].self, forKey: .processes)
        warnings = try container.decodeIfPresent([String].self, forKey: .warnings)
    }
}

struct JaegerSpan: Decodable, Hashable {
    var traceID: String
    var spanID: String
    /// Deprecated in Jaeger's JSON model in favour of `references`, still sent by old versions.
    var parentSpanID: String?
    /// Bit 1: sampled; bit 2: debug.
    var flags: UInt32?
    var operationName: String?
    var references: [JaegerReference]?
    /// Epoch microseconds.
    var startTime: UInt64?
    /// Microseconds.
    var duration: UInt64?
    var tags: [JaegerKeyValue]?
    var logs: [JaegerLog]?
    var processID: String?
    /// Embedded process (Jaeger puts it here instead of `processes` in some answers).
    var process: JaegerProcess?
    var warnings: [String]?
}

struct JaegerReference: Decodable, Hashable {
    /// `CHILD_OF` or `FOLLOWS_FROM`.
    var refType: String
    var traceID: String
    var spanID: String
}

struct JaegerProcess: Decodable, Hashable {
    var serviceName: String
    var tags: [JaegerKeyValue]?
}

struct JaegerLog: Decodable, Hashable {
    var timestamp: UInt64
    var fields: [JaegerKeyValue]?
}

/// `{"key": "http.status_code", "type": "int64", "value": 200}`.
struct JaegerKeyValue: Decodable, Hashable {
    enum Value: Hashable {
        case string(String)
        case bool(Bool)
        case int64(Int64)
        case float64(Double)

        /// The text a Zipkin tag would carry (Zipkin tag values are strings).
        var text: String {
            switch self {
            case .string(let value): value
            case .bool(let value): value ? "true" : "false"
            case .int64(let value): String(value)
            case .float64(let value):
                value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
            }
        }
    }

    var key: String
    var value: Value

    enum CodingKeys: String, CodingKey { case key, type, value }

    init(key: String, value: Value) {
        self.key = key
        self.value = value
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        let type = try container.decodeIfPresent(String.self, forKey: .type)?.lowercased()
        // Decode by the declared type first; fall back to whatever the JSON holds, because
        // some Jaeger-compatible servers send numbers as strings or omit `type`.
        switch type {
        case "bool":
            if let value = try? container.decode(Bool.self, forKey: .value) { self.value = .bool(value); return }
        case "int64":
            if let value = try? container.decode(Int64.self, forKey: .value) { self.value = .int64(value); return }
        case "float64":
            if let value = try? container.decode(Double.self, forKey: .value) { self.value = .float64(value); return }
        default:
            if let value = try? container.decode(String.self, forKey: .value) { self.value = .string(value); return }
        }
        if let value = try? container.decode(String.self, forKey: .value) {
            self.value = .string(value)
        } else if let value = try? container.decode(Int64.self, forKey: .value) {
            self.value = .int64(value)
        } else if let value = try? container.decode(Double.self, forKey: .value) {
            self.value = .float64(value)
        } else if let value = try? container.decode(Bool.self, forKey: .value) {
            self.value = .bool(value)
        } else if try container.decodeNil(forKey: .value) {
            self.value = .string("")
        } else {
            throw DecodingError.dataCorruptedError(
                forKey: .value, in: container,
                debugDescription: "tag '\(key)' has a value that is not a string, number or boolean"
            )
        }
    }
}

extension JSONDecoder {
    /// Decodes a Jaeger answer, turning `DecodingError` into a sentence naming the path.
    static func decodeJaeger<Payload: Decodable>(_ type: Payload.Type, from bytes: [UInt8]) throws(JaegerDecodingFailure) -> JaegerAPIResponse<Payload> {
        do {
            return try JSONDecoder().decode(JaegerAPIResponse<Payload>.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw JaegerDecodingFailure(why: error.sentence)
        } catch {
            throw JaegerDecodingFailure(why: String(describing: error))
        }
    }
}

/// Why a Jaeger answer could not be read or mapped (wrapped into `TraceBackendError` with the URL).
struct JaegerDecodingFailure: Error, Hashable {
    var why: String
}

extension DecodingError {
    var sentence: String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch self {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): missing \(type)"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return String(describing: self)
        }
    }
}
