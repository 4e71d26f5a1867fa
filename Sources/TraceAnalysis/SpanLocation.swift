/// Where a span sits when several traces are analysed together: the trace's position in the
/// set and the span's position in that trace's tree.
struct SpanLocation: Hashable, Comparable {
    var trace: Int
    var span: Int

    static func < (lhs: SpanLocation, rhs: SpanLocation) -> Bool {
        lhs.trace != rhs.trace ? lhs.trace < rhs.trace : lhs.span < rhs.span
    }
}
