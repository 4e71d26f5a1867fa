/// Foundation's `DecodingError` as one line naming the JSON path, e.g.
/// `[2].annotations[0].timestamp: expected a number, found a string`.
enum DecodingErrorText {
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            "\(path(context.codingPath)): expected \(name(of: type)) (\(context.debugDescription))"
        case .valueNotFound(let type, let context):
            "\(path(context.codingPath)): expected \(name(of: type)), found null"
        case .keyNotFound(let key, let context):
            "\(path(context.codingPath + [key])): missing"
        case .dataCorrupted(let context):
            context.codingPath.isEmpty
                ? "not JSON: \(underlying(context))"
                : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            "\(error)"
        }
    }

    private static func underlying(_ context: DecodingError.Context) -> String {
        if let error = context.underlyingError { "\(context.debugDescription) \(error)" } else { context.debugDescription }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is UInt64.Type, is Int.Type: "a whole number"
        case is [Any].Type: "an array"
        default: "\(type)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return text.isEmpty ? "the body" : text
    }
}
