import Zipkin

/// Zipkin's `annotationQuery` (zipkin2-api.yaml, `/traces`): terms joined by ` and `.
///
/// `key=value` matches a span whose tag `key` equals `value`; a bare `word` matches a span
/// with a tag key `word` or an annotation whose value is `word`. All terms must match the
/// same span.
public struct AnnotationQuery: Hashable, Sendable {
    public enum Term: Hashable, Sendable {
        case tag(key: String, value: String)
        case word(String)
    }

    public var terms: [Term]

    public init(terms: [Term]) { self.terms = terms }

    /// Parses `http.status_code=500 and error`; an empty or blank string is no condition.
    public init(parsing text: String) throws(SpanStoreError) {
        var terms: [Term] = []
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else {
            self.terms = []
            return
        }
        if trimmed.hasPrefix("and ") || trimmed.hasSuffix(" and") || trimmed == "and" {
            throw SpanStoreError(.invalidAnnotationQuery(text))
        }
        for raw in trimmed.split(separator: " and ", omittingEmptySubsequences: false) {
            let part = String(raw).trimmingSpaces
            guard !part.isEmpty else { throw SpanStoreError(.invalidAnnotationQuery(text)) }
            if let equals = part.firstIndex(of: "=") {
                let key = String(part[..<equals]).trimmingSpaces
                let value = String(part[part.index(after: equals)...]).trimmingSpaces
                guard !key.isEmpty else { throw SpanStoreError(.invalidAnnotationQuery(text)) }
                terms.append(.tag(key: key, value: value))
            } else {
                terms.append(.word(part))
            }
        }
        self.terms = terms
    }

    /// The value of a `guid:x-request-id=…` term, which stores answer from an index.
    public var requestIDTerm: String? {
        for case .tag(key: "guid:x-request-id", let value) in terms { return value }
        return nil
    }

    /// True when `span` satisfies every term.
    public func matches(_ span: ZipkinSpan) -> Bool {
        for term in terms {
            switch term {
            case .tag(let key, let value):
                if span.tags[key] != value { return false }
            case .word(let word):
                if span.tags[word] == nil && !span.annotations.contains(where: { $0.value == word }) { return false }
            }
        }
        return true
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
