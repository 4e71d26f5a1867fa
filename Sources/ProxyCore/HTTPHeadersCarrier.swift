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
}
