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
    /// Removes every header with one of `names`; a carrier that can find them all in one scan
    /// implements it (a proxy removes every trace header of its formats on every request).
    mutating func remove(lowercasedNames names: [String])
}

extension HeaderSetter {
    public mutating func remove(lowercasedNames names: [String]) {
        for name in names { remove(lowercasedName: name) }
    }
}

/// An ordered header list that is both a getter and a setter; the carrier for tests, for the
/// lab services' outgoing calls and for anything that is not already an HTTP type.
public struct HeaderFields: HeaderGetter, HeaderSetter, Hashable, Sendable, ExpressibleByDictionaryLiteral, Sequence {
    public private(set) var fields: [(name: String, value: String)]
    // Each field's name in lower case, kept beside `fields` so a lookup is a plain string
    // comparison (small-string equality is two word compares) instead of case folding every
    // name on every lookup, which was half of B3 extraction's time.
    private var lowercasedNames: [String]
    private var nameKeys: [UInt64]

    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
        self.lowercasedNames = fields.map { HeaderFields.lowercasedASCII($0.name) }
        self.nameKeys = lowercasedNames.map(HeaderFields.key)
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { (name: $0.0, value: $0.1) })
    }

    public func firstValue(forLowercasedName name: String) -> String? {
        guard let index = index(of: name, from: 0) else { return nil }
        return fields[index].value
    }

    public subscript(name: String) -> String? {
        firstValue(forLowercasedName: HeaderFields.lowercasedASCII(name))
    }

    /// Replaces the first field of that name in place (keeping the header order a peer sent)
    /// and removes any others; appends when there is none.
    public mutating func set(_ value: String, forLowercasedName name: String) {
        let key = HeaderFields.key(name)
        guard let index = index(of: name, key: key, from: 0) else {
            fields.append((name: name, value: value))
            lowercasedNames.append(name)
            nameKeys.append(key)
            return
        }
        fields[index] = (name: name, value: value)
        if let next = self.index(of: name, key: key, from: index + 1) {
            removeAll(named: name, after: next)
        }
    }

    public mutating func add(_ value: String, forName name: String) {
        fields.append((name: name, value: value))
        let lowercased = HeaderFields.lowercasedASCII(name)
        lowercasedNames.append(lowercased)
        nameKeys.append(HeaderFields.key(lowercased))
    }

    public mutating func remove(lowercasedName name: String) {
        guard let first = index(of: name, from: 0) else { return }
        removeAll(named: name, after: first)
    }

    // Scans a flat array of name hashes (no string retains, no general string comparison,
    // which is slow even for unequal small ASCII strings) and compares strings only on a
    // hash match.
    private func index(of name: String, from start: Int) -> Int? {
        index(of: name, key: HeaderFields.key(name), from: start)
    }

    private func index(of name: String, key: UInt64, from start: Int) -> Int? {
        var index = start
        while index < nameKeys.count {
            if nameKeys[index] == key && lowercasedNames[index] == name { return index }
            index += 1
        }
        return nil
    }

    /// A cheap fingerprint of a name: its length and last eight bytes. Trace header names
    /// share prefixes (`x-b3-`) but not endings, so this separates them without hashing
    /// every byte; a collision only costs a string comparison.
    static func key(_ name: String) -> UInt64 {
        func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
            if bytes.count >= 8, let base = bytes.baseAddress {
                // The last eight bytes in one load (most header names are longer than eight).
                let tail = UnsafeRawPointer(base + bytes.count - 8).loadUnaligned(as: UInt64.self)
                return tail ^ (UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15)
            }
            var value: UInt64 = 0
            for index in Swift.max(0, bytes.count - 8)..<bytes.count {
                value = value << 8 | UInt64(bytes[index])
            }
            return value ^ (UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15)
        }
        if let key = name.utf8.withContiguousStorageIfAvailable(fingerprint) { return key }
        return Array(name.utf8).withUnsafeBufferPointer(fingerprint)
    }

    private mutating func removeAll(named name: String, after start: Int) {
        var kept = start
        for index in start..<fields.count where lowercasedNames[index] != name {
            fields[kept] = fields[index]
            lowercasedNames[kept] = lowercasedNames[index]
            nameKeys[kept] = nameKeys[index]
            kept += 1
        }
        fields.removeSubrange(kept...)
        lowercasedNames.removeSubrange(kept...)
        nameKeys.removeSubrange(kept...)
    }

    /// `name` with ASCII upper case folded; the same string (no copy) when already lower case.
    static func lowercasedASCII(_ name: String) -> String {
        name.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") } ? name.lowercased() : name
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
