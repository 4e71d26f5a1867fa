import Yams

/// A position in a parsed scenario file: the node, its dotted field path and the file, so
/// every read can fail with an error that names all three.
struct YAMLCursor {
    let node: Node
    let path: String
    let file: String

    init(node: Node, path: String, file: String) {
        self.node = node
        self.path = path
        self.file = file
    }

    func error(_ reason: ScenarioError.Reason, at other: Node? = nil) -> ScenarioError {
        let mark = (other ?? node).mark
        return ScenarioError(reason, file: file, line: mark?.line, column: mark?.column, field: path)
    }

    var typeName: String {
        switch node {
        case .scalar(let scalar): scalar.string.isEmpty ? "an empty value" : "the scalar '\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    func child(_ key: String, _ node: Node) -> YAMLCursor {
        YAMLCursor(node: node, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    /// The entries of a mapping in file order, keys as strings.
    func entries() throws(ScenarioError) -> [(key: String, value: YAMLCursor)] {
        guard let mapping = node.mapping else {
            throw error(.wrongType(expected: "a mapping (key: value lines)", got: typeName))
        }
        var result: [(key: String, value: YAMLCursor)] = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.scalar?.string else {
                throw error(.wrongType(expected: "a plain key", got: "a complex key"), at: keyNode)
            }
            result.append((key, child(key, valueNode)))
        }
        return result
    }

    /// The entries of a mapping whose keys must all be in `allowed` (an unknown key is an
    /// error with the closest known key as a suggestion).
    func fields(allowed: [String]) throws(ScenarioError) -> [String: YAMLCursor] {
        var result: [String: YAMLCursor] = [:]
        for (key, value) in try entries() {
            guard allowed.contains(key) else {
                let keyNode = node.mapping?.keys.first { $0.scalar?.string == key }
                throw YAMLCursor(node: keyNode ?? node, path: path.isEmpty ? key : "\(path).\(key)", file: file)
                    .error(.unknownKey(key, suggestion: Spelling.closest(to: key, among: allowed), allowed: allowed))
            }
            result[key] = value
        }
        return result
    }

    func items() throws(ScenarioError) -> [YAMLCursor] {
        guard case .sequence(let sequence) = node else {
            throw error(.wrongType(expected: "a list", got: typeName))
        }
        return sequence.enumerated().map { index, item in
            YAMLCursor(node: item, path: "\(path)[\(index)]", file: file)
        }
    }

    /// Either a list or a single item (so `broken_links:` takes one mapping or many).
    func itemsOrSingle() throws(ScenarioError) -> [YAMLCursor] {
        if case .sequence = node { return try items() }
        return [self]
    }

    func string() throws(ScenarioError) -> String {
        guard let scalar = node.scalar else {
            throw error(.wrongType(expected: "a text value", got: typeName))
        }
        return scalar.string
    }

    func int(in range: ClosedRange<Int>? = nil) throws(ScenarioError) -> Int {
        let text = try string()
        guard let value = Int(text.replacing("_", with: "")) else {
            throw error(.wrongType(expected: "a whole number", got: typeName))
        }
        if let range, !range.contains(value) {
            throw error(.invalidValue(text, hint: "use a number from \(range.lowerBound) to \(range.upperBound)"))
        }
        return value
    }

    func double() throws(ScenarioError) -> Double {
        let text = try string()
        guard let value = Double(text), value.isFinite else {
            throw error(.wrongType(expected: "a number", got: typeName))
        }
        return value
    }

    func bool() throws(ScenarioError) -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(.wrongType(expected: "true or false", got: typeName))
        }
    }

    /// A fraction written `0.25` or `25%`, within 0…1.
    func fraction() throws(ScenarioError) -> Double {
        let text = try string().trimmingSpaces()
        let value: Double?
        if text.hasSuffix("%") {
            value = Double(text.dropLast().trimmingSpaces()).map { $0 / 100 }
        } else {
            value = Double(text)
        }
        guard let value, value >= 0, value <= 1 else {
            throw error(.invalidValue(text, hint: "write a fraction from 0 to 1 (0.25) or a percentage (25%)"))
        }
        return value
    }

    /// A percentage written `50`, `50%` or `12.5%`, within 0…100 (Istio's fault percentages).
    func percent() throws(ScenarioError) -> Double {
        var text = try string().trimmingSpaces()
        if text.hasSuffix("%") { text = String(text.dropLast()).trimmingSpaces() }
        guard let value = Double(text), value >= 0, value <= 100 else {
            throw error(.invalidValue(try string(), hint: "write a percentage from 0 to 100, e.g. 50 or 50%"))
        }
        return value
    }

    /// A duration such as `250ms`, `2s`, `1.5s`, `1m` (a bare number is milliseconds).
    func duration() throws(ScenarioError) -> Duration {
        let text = try string()
        guard let value = DurationText.parse(text) else {
            throw error(.invalidValue(text, hint: "write a duration like 250ms, 2s, 1.5s or 1m"))
        }
        return value
    }

    func oneOf<T: RawRepresentable>(_ type: T.Type, _ cases: [T]) throws(ScenarioError) -> T where T.RawValue == String {
        let text = try string()
        if let value = T(rawValue: text) { return value }
        let names = cases.map(\.rawValue)
        let suggestion = Spelling.closest(to: text, among: names).map { "did you mean '\($0)'? " } ?? ""
        throw error(.invalidValue(text, hint: "\(suggestion)use one of \(names.joined(separator: ", "))"))
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
