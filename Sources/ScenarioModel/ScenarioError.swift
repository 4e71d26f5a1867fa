/// What is wrong with a scenario file: the file, the line and column, the field path and the
/// offending input, with what to write instead.
///
/// Workshop students edit these files; an error that names `scenarios/03.yaml:12:5
/// setup.propagation.reviews-v2` and says "did you mean 'drop-b3'?" is fixed in seconds.
public struct ScenarioError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// The file could not be read.
        case unreadable(String)
        /// YAML syntax error reported by the parser.
        case syntax(String)
        /// A key the schema does not know; `suggestion` is the closest known key.
        case unknownKey(String, suggestion: String?, allowed: [String])
        /// A required field is absent.
        case missing
        /// The value has the wrong YAML type (`expected` says which).
        case wrongType(expected: String, got: String)
        /// The value has the right type but is not acceptable; `hint` says what is.
        case invalidValue(String, hint: String)
    }

    public var reason: Reason
    /// The scenario file as given on the command line.
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    public var column: Int?
    /// Dotted path of the field, e.g. `setup.routes.reviews.v2`.
    public var field: String

    public init(_ reason: Reason, file: String, line: Int? = nil, column: Int? = nil, field: String = "") {
        self.reason = reason
        self.file = file
        self.line = line
        self.column = column
        self.field = field
    }

    /// `file:line:column` as editors and terminals link it.
    public var location: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        return text
    }

    public var description: String {
        let prefix = field.isEmpty ? "\(location): " : "\(location): \(field): "
        switch reason {
        case .unreadable(let why):
            return "\(file): cannot read the scenario file (\(why))"
        case .syntax(let message):
            return prefix + "YAML syntax error: \(message)"
        case .unknownKey(let key, let suggestion, let allowed):
            let hint = suggestion.map { "did you mean '\($0)'? " } ?? ""
            return prefix + "unknown key '\(key)'; \(hint)known keys: \(allowed.joined(separator: ", "))"
        case .missing:
            return prefix + "required field is missing"
        case .wrongType(let expected, let got):
            return prefix + "expected \(expected), found \(got)"
        case .invalidValue(let value, let hint):
            return prefix + "invalid value '\(value)': \(hint)"
        }
    }
}
