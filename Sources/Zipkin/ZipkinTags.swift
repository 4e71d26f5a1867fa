/// A span's tags (zipkin2-api.yaml, `Tags`): string keys, each at most once, with string values,
/// kept in the order they were added.
///
/// Not a `[String: String]`: spans carry 5–20 tags, where a linear scan finds a key faster than
/// hashing it, and decoding appends to one array instead of building a hash table — hashing
/// the keys and filling the table was the Zipkin decoder's largest cost (docs/PERFORMANCE.md).
/// Equality and hashing ignore the order, as they would for a dictionary; the JSON encoder
/// writes the tags in their order, so a span round-trips to the same bytes.
public struct ZipkinTags: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public typealias Element = (key: String, value: String)

    private var storage: [Element]

    public init() {
        storage = []
    }

    /// The dictionary's pairs ordered by key, so equal dictionaries give equal tag orders.
    public init(_ dictionary: [String: String]) {
        storage = dictionary.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    /// Later pairs win over earlier ones with the same key (like JSON objects, unlike
    /// dictionary literals, which trap).
    public init(dictionaryLiteral elements: (String, String)...) {
        storage = []
        storage.reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }
    public var keys: [String] { storage.map(\.key) }
    public var values: [String] { storage.map(\.value) }
    /// The same pairs as a dictionary, for APIs that want one.
    public var dictionary: [String: String] {
        Dictionary(storage.lazy.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    public func makeIterator() -> IndexingIterator<[Element]> {
        storage.makeIterator()
    }

    public var underestimatedCount: Int { storage.count }

    public mutating func reserveCapacity(_ capacity: Int) {
        storage.reserveCapacity(capacity)
    }

    /// The value of `key`; setting nil removes the tag, setting a new key appends it.
    public subscript(key: String) -> String? {
        get {
            guard let index = index(of: key) else { return nil }
            return storage[index].value
        }
        set {
            let index = index(of: key)
            switch (index, newValue) {
            case (let index?, let value?): storage[index].value = value
            case (let index?, nil): storage.remove(at: index)
            case (nil, let value?): storage.append((key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Sets a decoded tag; `isNew` (the decoder's filter says the key was not read before)
    /// skips the search for an earlier value.
    @inline(__always)
    mutating func set(_ key: consuming String, _ value: consuming String, isNew: Bool) {
        if isNew {
            storage.append((key: key, value: value))
        } else {
            self[key] = value
        }
    }

    /// Adds `other`'s tags; for a key in both, `combine(old, new)` decides.
    public mutating func merge(_ other: ZipkinTags, uniquingKeysWith combine: (String, String) throws -> String) rethrows {
        for (key, value) in other.storage {
            if let index = index(of: key) {
                storage[index].value = try combine(storage[index].value, value)
            } else {
                storage.append((key: key, value: value))
            }
        }
    }

    public var description: String {
        "[" + storage.map { "\($0.key.debugDescription): \($0.value.debugDescription)" }.joined(separator: ", ") + "]"
    }

    @inline(__always)
    private func index(of key: String) -> Int? {
        // Compare lengths first: most tag keys differ in length, and the count of a native
        // string is a field read.
        let length = key.utf8.count
        for index in storage.indices where storage[index].key.utf8.count == length && storage[index].key == key {
            return index
        }
        return nil
    }
}

extension ZipkinTags: Hashable {
    public static func == (lhs: ZipkinTags, rhs: ZipkinTags) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.storage.allSatisfy { rhs[$0.key] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, like Dictionary's: the pairs' own hashes combined commutatively.
        var combined = 0
        for (key, value) in storage {
            var pairHasher = Hasher()
            pairHasher.combine(key)
            pairHasher.combine(value)
            combined ^= pairHasher.finalize()
        }
        hasher.combine(storage.count)
        hasher.combine(combined)
    }
}
