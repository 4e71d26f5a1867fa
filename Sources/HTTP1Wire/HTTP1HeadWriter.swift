/// Writes the fields of the head a proxy sends on (after its own start line): the fields it
/// keeps copied as they arrived (no re-validation, no `String`s), then the fields it sets.
public struct HTTP1HeadWriter: Sendable {
    /// Lower-case names dropped besides the hop-by-hop ones (the trace headers that are
    /// rewritten, `Host` when it is replaced), with their ``HTTP1Fields/nameKey(_:)``.
    public private(set) var dropped: [(name: String, key: UInt32)] = []
    /// Fields written after the kept ones, in order.
    public private(set) var added: [(name: String, value: String)] = []
    /// Drop `Transfer-Encoding` too: the body goes on without chunked framing.
    public var dropTransferEncoding = false

    public init() {}

    /// Sets `name` (lower case): drops the received fields of that name, replaces an added one.
    /// `dropsReceived: false` when the head has no such field (the common case for trace
    /// headers): nothing to drop, and every kept field is checked against one name fewer.
    public mutating func set(_ name: String, _ value: String, dropsReceived: Bool = true) {
        if dropsReceived, !drops(name) { dropped.append((name, HTTP1Fields.nameKey(name))) }
        for index in added.indices where added[index].name == name {
            added[index].value = value
            return
        }
        // A proxy sets the trace headers of three formats and x-request-id: one allocation.
        if added.isEmpty { added.reserveCapacity(8) }
        added.append((name, value))
    }

    /// Drops every received field named `name` (lower case) and any added one; with
    /// `dropsReceived: false` (the head has none) only an added one.
    public mutating func remove(_ name: String, dropsReceived: Bool = true) {
        if dropsReceived, !drops(name) { dropped.append((name, HTTP1Fields.nameKey(name))) }
        if !added.isEmpty { added.removeAll { $0.name == name } }
    }

    /// Whether `name` (lower case) was set or removed.
    public func drops(_ name: String) -> Bool {
        let key = HTTP1Fields.nameKey(name)
        return dropped.contains { $0.key == key && $0.name == name }
    }

    /// Appends the kept fields of `fields`, the added ones and the blank line to `output`
    /// (which already holds the start line and its CRLF).
    public func write(fields: HTTP1Fields, into output: inout [UInt8]) {
        let listed = HopByHopHeaders.listed(in: fields)
        fields.bytes.withUnsafeBufferPointer { bytes in
            // Kept lines that follow each other in the head go out in one copy: usually all of
            // them but a `Connection` line or two.
            var run = 0..<0
            for index in fields.fields.indices where keeps(fields, index, listed: listed) {
                let line = fields.fields[index].line
                if line.lowerBound == run.upperBound, !run.isEmpty {
                    run = run.lowerBound..<line.upperBound
                } else {
                    if !run.isEmpty { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run])) }
                    run = line
                }
            }
            if !run.isEmpty { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run])) }
        }
        for (name, value) in added {
            output.append(contentsOf: name.utf8)
            output.append(0x3A)
            output.append(0x20)
            output.append(contentsOf: value.utf8)
            output.append(0x0D)
            output.append(0x0A)
        }
        output.append(0x0D)
        output.append(0x0A)
    }

    @inline(__always)
    private func keeps(_ fields: HTTP1Fields, _ index: Int, listed: [String]) -> Bool {
        let field = fields.fields[index]
        if field.known.isConnectionHeader { return false }
        if dropTransferEncoding, field.known == .transferEncoding { return false }
        for (name, key) in dropped where fields.name(at: index, is: name, key: key) { return false }
        for name in listed where fields.name(at: index, is: name) { return false }
        return true
    }
}
