/// Read access to a request's headers, adapted by whoever owns them (NIO, Hummingbird,
/// a dictionary), so that propagation code never imports an HTTP library.
///
/// Header names are case-insensitive (RFC 9110 §5.1): implementations must match `name`
/// (always passed in lower case) against names of any case and return the first value.
public protocol HeaderGetter {
    func firstValue(forLowercasedName name: String) -> String?
}

/// Write access to a request's headers. `set` replaces every existing value of that name
/// (of any case); `remove` deletes them all.
public protocol HeaderSetter {
    mutating func set(_ value: String, forLowercasedName name: String)
    mutating func remove(lowercasedName name: String)
}

/// An ordered header list that is both a getter and a setter; the carrier for tests, for the
/// lab services' outgoing calls and for anything that is not already an HTTP type.
public struct HeaderFields: HeaderGetter, HeaderSetter, Hashable, Sendable, ExpressibleByDictionaryLiteral, Sequence {
    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { (name: $0.0, value: $0.1) }
    }

    public func firstValue(forLowercasedName name: String) -> String? {
        for field in fields where field.name.utf8.count == name.utf8.count && field.name.lowercased() == name {
            return field.value
        }
        return nil
    }

    public subscript(name: String) -> String? {
        firstValue(forLowercasedName: name.lowercased())
    }

    public mutating func set(_ value: String, forLowercasedName name: String) {
        remove(lowercasedName: name)
        fields.append((name: name, value: value))
    }

    public mutating func add(_ value: String, forName name: String) {
        fields.append((name: name, value: value))
    }

    public mutating func remove(lowercasedName name: String) {
        fields.removeAll { $0.name.lowercased() == name }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    public static func == (lhs: HeaderFields, rhs: HeaderFields) -> Bool {
        lhs.fields.count == rhs.fields.count && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }
}
