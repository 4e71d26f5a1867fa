import TraceContext
import Zipkin

/// Derives service links from traces, counting each RPC once whether one or both sides
/// reported it (like zipkin-dependencies).
///
/// A SERVER span's caller is the CLIENT span with the same id (B3 shared hop) or the span it
/// names as parent (W3C hop or uninstrumented parent); failing both, its
/// `remoteEndpoint.serviceName`. A CLIENT span nobody answered is linked to its
/// `remoteEndpoint.serviceName` (an uninstrumented callee, or a server that lost its span).
/// Calls to the same service are not links.
public struct DependencyLinker: Sendable {
    private struct Pair: Hashable {
        var parent: String
        var child: String
    }

    private var counts: [Pair: (calls: Int, errors: Int)] = [:]

    public init() {}

    /// Adds one trace's spans (merged, see `SpanMerger`).
    public mutating func add(trace spans: [ZipkinSpan]) {
        var byID: [SpanID: [ZipkinSpan]] = [:]
        for span in spans { byID[span.id, default: []].append(span) }
        var answeredClients: Set<SpanID> = []

        for server in spans where server.kind == .server || server.kind == .consumer {
            guard let child = server.localServiceName else { continue }
            let caller: ZipkinSpan? =
                byID[server.id]?.first { $0.kind == .client || $0.kind == .producer }
                ?? server.parentID.flatMap { parent in byID[parent]?.first { $0.kind != .server || $0.localServiceName != child } }
            var parentService: String?
            var isError = isError(server)
            if let caller {
                if caller.kind == .client || caller.kind == .producer {
                    answeredClients.insert(caller.id)
                    isError = isError || self.isError(caller)
                }
                parentService = caller.localServiceName
            }
            if parentService == nil || parentService == child { parentService = server.remoteServiceName ?? parentService }
            guard let parent = parentService, parent != child else { continue }
            count(parent: parent, child: child, error: isError)
        }
        for client in spans where (client.kind == .client || client.kind == .producer) && !answeredClients.contains(client.id) {
            guard let parent = client.localServiceName, let child = client.remoteServiceName, parent != child else { continue }
            count(parent: parent, child: child, error: isError(client))
        }
    }

    /// The links so far, sorted by parent then child.
    public var links: [DependencyLink] {
        counts.map { DependencyLink(parent: $0.key.parent, child: $0.key.child, callCount: $0.value.calls, errorCount: $0.value.errors) }
            .sorted { ($0.parent, $0.child) < ($1.parent, $1.child) }
    }

    private mutating func count(parent: String, child: String, error: Bool) {
        let pair = Pair(parent: parent, child: child)
        var entry = counts[pair] ?? (0, 0)
        entry.calls += 1
        if error { entry.errors += 1 }
        counts[pair] = entry
    }

    private func isError(_ span: ZipkinSpan) -> Bool { span.tags["error"] != nil }
}
