import NIOHTTP1
import TraceContext

/// Adapts NIO's `HTTPHeaders` to TraceContext's carrier protocols (names match case-insensitively).
public struct HTTPHeadersCarrier: HeaderGetter, HeaderSetter {
    public var headers: HTTPHeaders

    public init(_ headers: HTTPHeaders) {
        self.headers = headers
    }

    public func firstValue(forLowercasedName name: String) -> String? {
        headers.first(name: name)
    }

    public mutating func set(_ value: String, forLowercasedName name: String) {
        headers.replaceOrAdd(name: name, value: value)
    }

    public mutating func remove(lowercasedName name: String) {
        headers.remove(name: name)
    }

    /// One scan for all of `names`; `HTTPHeaders.remove` (a scan each) only for those found.
    public mutating func remove(lowercasedNames names: [String]) {
        var present: [String] = []
        for (name, _) in headers {
            for candidate in names where candidate.utf8.count == name.utf8.count && !present.contains(candidate) {
                if name.equalsHeaderName(candidate) { present.append(candidate) }
            }
        }
        for name in present { headers.remove(name: name) }
    }
}
