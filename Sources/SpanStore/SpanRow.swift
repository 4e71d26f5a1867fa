import Foundation
import GRDB
import Zipkin

/// A span as `SQLiteSpanStore` stores it: the indexed columns plus its Zipkin JSON.
struct SpanRow: Sendable {
    let span: ZipkinSpan
    let traceID: String
    let spanID: String
    let kind: String
    let shared: Int
    let localService: String
    let remoteService: String?
    let name: String?
    let timestamp: Int64
    let duration: Int64?
    let terms: String
    let json: Data

    init(_ span: ZipkinSpan) {
        self.span = span
        traceID = span.traceID.hex
        spanID = span.id.hex
        kind = span.kind?.rawValue ?? ""
        shared = span.shared ? 1 : 0
        localService = span.localServiceName ?? ""
        remoteService = span.remoteServiceName
        name = span.name?.lowercased()
        timestamp = Int64(clamping: span.timestamp ?? 0)
        duration = span.duration.map { Int64(clamping: $0) }
        var terms = "\n"
        for (key, value) in span.tags {
            let key = Self.clean(key)
            terms += key + "=" + Self.clean(value) + "\n" + key + "\n"
        }
        for annotation in span.annotations { terms += Self.clean(annotation.value) + "\n" }
        self.terms = terms
        var bytes: [UInt8] = []
        ZipkinJSONEncoder().encode(span, into: &bytes)
        json = Data(bytes)
    }

    var arguments: StatementArguments {
        [traceID, spanID, kind, shared, localService, remoteService, name, timestamp, duration, terms, json]
    }

    /// Newlines separate terms, so they cannot appear inside one.
    static func clean(_ text: String) -> String {
        text.contains("\n") ? text.replacingOccurrences(of: "\n", with: " ") : text
    }
}
