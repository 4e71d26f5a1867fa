/// Why a body in one of the `SpanFormat`s could not be read, and where.
///
/// The collector answers it with a 400 whose message is `description`: the format, the span
/// (by its index in the body) and field at fault, and what is wrong, so the sender can fix its
/// exporter without a packet capture.
public struct SpanFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    public var format: SpanFormat
    /// What is wrong, e.g. "trace_id must be 8 or 16 bytes, got 3".
    public var problem: String
    /// Where in the body: a span's index (`span 3`) or path (`resourceSpans[0].scopeSpans[1].spans[2]`).
    public var location: String?

    public init(_ format: SpanFormat, _ problem: String, at location: String? = nil) {
        self.format = format
        self.problem = problem
        self.location = location
    }

    public var description: String {
        var text = "invalid \(format) body: \(problem)"
        if let location { text += " (at \(location))" }
        return text
    }
}
