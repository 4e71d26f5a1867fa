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
    /// The `guid:x-request-id` tag, indexed for the verdict's related-trace lookups.
    let requestID: String?

    /// `receivedJSON`, when given, is the span's JSON as received; otherwise it is encoded.
    init(_ span: ZipkinSpan, receivedJSON: ArraySlice<UInt8>? = nil) {
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
        requestID = span.tags["guid:x-request-id"]
        // Built as bytes: appending Strings piecewise (and Foundation's contains) was a third
        // of SQLite ingest's CPU time.
        var terms: [UInt8] = [10]
        terms.reserveCapacity(512)
        span.tags.forEachUTF8 { key, value in
            Self.appendCleaned(key, to: &terms)
            terms.append(UInt8(ascii: "="))
            Self.appendCleaned(value, to: &terms)
            terms.append(10)
        }
        for annotation in span.annotations {
            Self.appendCleaned(annotation.value, to: &terms)
            terms.append(10)
        }
        self.terms = String(decoding: terms, as: UTF8.self)
        if let receivedJSON {
            json = Data(receivedJSON)
        } else {
            var bytes: [UInt8] = []
            ZipkinJSONEncoder().encode(span, into: &bytes)
            json = Data(bytes)
        }
    }

    var arguments: StatementArguments {
        [traceID, spanID, kind, shared, localService, remoteService, name, timestamp, duration, terms, json, requestID]
    }

    /// Newlines separate terms, so they cannot appear inside one.
    static func clean(_ text: String) -> String {
        guard text.utf8.contains(10) else { return text }
        var bytes: [UInt8] = []
        appendCleaned(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendCleaned(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendCleaned($0, to: &bytes) }
    }

    private static func appendCleaned(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: utf8)
        if utf8.contains(10) {
            for index in start..<bytes.count where bytes[index] == 10 { bytes[index] = 32 }
        }
    }
}
