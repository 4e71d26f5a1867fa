/// An HTTP answer as a backend sees it: the status and the whole body.
public struct TraceBackendResponse: Hashable, Sendable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }

    /// The start of the body as text, for error messages (a backend's error page or JSON).
    var bodySnippet: String {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The one HTTP operation the backends need, apart so the URL building and the mapping of
/// recorded answers are tested without a server, and the real client is swapped in at the
/// edge (`HTTPClientTraceBackendTransport`).
public protocol TraceBackendTransport: Sendable {
    /// GETs `url` (absolute, already percent-encoded). Any status is an answer; only failing
    /// to get one throws (`.unreachable`).
    func get(_ url: String) async throws(TraceBackendError) -> TraceBackendResponse
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}

extension Set where Element == Character {
    fileprivate static let whitespacesAndNewlines: Set<Character> = [" ", "\n", "\r", "\t"]
}
