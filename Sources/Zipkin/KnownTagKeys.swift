/// Tag keys that the lab's sidecars, Envoy and OpenTelemetry exporters send on every span,
/// as string literals.
///
/// A decoded key that spells one of these reuses the literal (static storage: no allocation,
/// no UTF-8 validation, no reference counting) instead of building a new `String`; keys of
/// 16 bytes or more would otherwise each cost a heap allocation per span.
enum KnownTagKeys {
    // Grouped by UTF-8 length so a lookup compares at most a few candidates.
    private static let byLength: [[String]] = {
        let keys = [
            // TraceLab and Envoy sidecars (DESIGN.md span conventions)
            "http.method", "http.url", "http.path", "http.status_code", "guid:x-request-id", "node_id",
            "upstream_cluster", "upstream_cluster.name", "downstream_cluster", "peer.address", "component", "error",
            "http.protocol", "request_size", "response_size", "response_flags", "user_agent", "upstream_address",
            // OpenTelemetry exporters
            "telemetry.sdk.language", "telemetry.sdk.name", "telemetry.sdk.version", "service.instance.id",
            "service.name", "otel.library.name", "otel.library.version", "otel.scope.name", "otel.scope.version",
            "otel.status_code", "otel.status_description", "http.route", "http.target", "http.scheme", "http.host",
            "net.peer.name", "net.peer.port", "http.flavor", "http.user_agent", "http.request.method",
            "http.response.status_code", "url.full", "url.path", "server.address", "server.port",
        ]
        var table = Array(repeating: [String](), count: 33)
        for key in keys where key.utf8.count < table.count {
            table[key.utf8.count].append(key)
        }
        return table
    }()

    /// The literal spelled by `bytes[start..<end]`, if it is a known key.
    @inline(__always)
    static func lookup(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String? {
        let length = end - start
        guard length < byLength.count, let base = bytes.baseAddress else { return nil }
        for candidate in byLength[length] {
            let equal = candidate.utf8.withContiguousStorageIfAvailable { known in
                known.baseAddress.map { memoryEqual($0, base + start, length) } ?? false
            }
            if equal == true { return candidate }
        }
        return nil
    }

    @inline(__always)
    private static func memoryEqual(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        while index < count {
            if lhs[index] != rhs[index] { return false }
            index += 1
        }
        return true
    }
}
