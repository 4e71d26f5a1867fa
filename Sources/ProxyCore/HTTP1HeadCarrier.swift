import HTTP1Wire
import TraceContext

/// TraceContext's carrier over a request head read off the wire: reads its fields in place,
/// and collects what the decider sets or removes in the ``HTTP1HeadWriter`` that writes the
/// forwarded head.
struct HTTP1HeadCarrier: HeaderGetter, HeaderSetter {
    let fields: HTTP1Fields
    var writer: HTTP1HeadWriter

    init(_ fields: HTTP1Fields, writer: HTTP1HeadWriter = .init()) {
        self.fields = fields
        self.writer = writer
    }

    func firstValue(forLowercasedName name: String) -> String? {
        // Reads come before any write (the decider decides, then rewrites): the common case
        // skips the writer's lists.
        if !writer.dropped.isEmpty {
            if let added = writer.added.last(where: { $0.name == name }) { return added.value }
            if writer.drops(name) { return nil }
        }
        return fields.first(name)
    }

    mutating func set(_ value: String, forLowercasedName name: String) {
        writer.set(name, value)
    }

    mutating func remove(lowercasedName name: String) {
        writer.remove(name)
    }
}
