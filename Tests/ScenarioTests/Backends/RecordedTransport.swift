@testable import Scenario

/// A `TraceBackendTransport` that answers from recorded responses by exact URL and remembers
/// what was asked, so tests see both the requests a backend makes and how it reads answers.
actor RecordedTransport: TraceBackendTransport {
    private var answers: [String: TraceBackendResponse]
    private(set) var requested: [String] = []

    init(_ answers: [String: TraceBackendResponse] = [:]) {
        self.answers = answers
    }

    func get(_ url: String) async throws(TraceBackendError) -> TraceBackendResponse {
        requested.append(url)
        guard let answer = answers[url] else {
            throw TraceBackendError(.unreachable(url: url, underlying: "no recorded answer for this URL"))
        }
        return answer
    }
}

/// Recorded API answers in Fixtures/ next to this file (read from the source tree, so the
/// test target needs no resource bundle).
enum BackendFixture {
    static let directory: String = {
        var path = #filePath
        while let last = path.last, last != "/" { path.removeLast() }
        return path + "Fixtures/"
    }()

    static func bytes(_ name: String) throws -> [UInt8] {
        let path = directory + name
        guard let file = fopen(path, "rb") else {
            throw FixtureMissing(path: path)
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }

    static func response(_ name: String, status: Int = 200) throws -> TraceBackendResponse {
        TraceBackendResponse(status: status, body: try bytes(name))
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        var path: String
        var description: String { "fixture not found: \(path)" }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
