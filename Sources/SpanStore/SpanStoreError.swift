/// A storage failure, or a query the store cannot run, with what to do about it.
public struct SpanStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// The database could not be opened, read or written; carries the database's message.
        case database(path: String, message: String)
        /// An `annotationQuery` that cannot be parsed; carries the offending text.
        case invalidAnnotationQuery(String)
        /// A query parameter out of range (e.g. `minDuration` above `maxDuration`).
        case invalidQuery(String)
        /// A stored row that is not a valid span (the file was edited or is from another tool).
        case corruptRow(String)
    }

    public var reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    public var description: String {
        switch reason {
        case .database(let path, let message):
            "span database \(path): \(message) (check the path is writable and not used by another program)"
        case .invalidAnnotationQuery(let text):
            "invalid annotationQuery '\(text)': use terms like 'http.status_code=500 and error' joined by ' and '"
        case .invalidQuery(let why): why
        case .corruptRow(let why): "corrupt stored span: \(why)"
        }
    }
}
