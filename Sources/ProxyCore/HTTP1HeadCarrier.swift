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
        if !writer.dropped.isEmpty || !writer.added.isEmpty {
            if let added = writer.added.last(where: { $0.name == name }) { return added.value }
            if writer.drops(name) { return nil }
        }
        return fields.first(name)
    }

    // Most requests carry none of the trace headers the decider replaces: only a name the
    // head has is dropped, so the forwarded head's kept fields are checked against few names.
    mutating func set(_ value: String, forLowercasedName name: String) {
        writer.set(name, value, dropsReceived: fields.firstIndex(name) != nil)
    }

    mutating func remove(lowercasedName name: String) {
        writer.remove(name, dropsReceived: fields.firstIndex(name) != nil)
    }

    /// Every trace header of the decider's formats, on every request: one pass over the
    /// received fields finds which of them are there, instead of a search per name.
    mutating func remove(lowercasedNames names: [String]) {
        // Names whose key (length, first and last byte) some received field has; the names
        // themselves are compared only for those.
        let present = withUnsafeTemporaryAllocation(of: UInt32.self, capacity: names.count) { keys -> UInt64 in
            for position in names.indices { keys[position] = HTTP1Fields.nameKey(names[position]) }
            var present: UInt64 = 0
            for field in fields.fields {
                for position in names.indices where position < 64 && keys[position] == field.nameKey {
                    present |= 1 << UInt64(position)
                }
            }
            return present
        }
        for position in names.indices {
            let received = position >= 64 || (present & 1 << UInt64(position) != 0 && fields.firstIndex(names[position]) != nil)
            writer.remove(names[position], dropsReceived: received)
        }
    }
}
