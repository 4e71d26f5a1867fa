import Foundation
import Hummingbird

/// What an ingest request's `Content-Type` says its body is, by media type alone (parameters
/// such as `charset` ignored).
enum IngestMediaType: Equatable {
    case json
    case protobuf
    case thrift
    /// No Content-Type at all.
    case absent
    /// Anything else, lower-cased (`text/plain`, …).
    case other(String)

    init(_ request: Request) {
        guard let header = request.headers[.contentType] else {
            self = .absent
            return
        }
        let mediaType = header.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if mediaType.isEmpty {
            self = .absent
        } else if mediaType.contains("protobuf") {
            self = .protobuf
        } else if mediaType.contains("thrift") {
            self = .thrift
        } else if mediaType.contains("json") {
            self = .json
        } else {
            self = .other(mediaType)
        }
    }
}
