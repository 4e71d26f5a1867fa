import NIOCore
import NIOPosix
import TestSupport
import Zipkin

/// A Zipkin endpoint for tests: decodes every POSTed batch and lets a test wait for spans.
final class ZipkinSink: Sendable {
    let server: TestHTTPServer
    private let decoded: AwaitableList<ZipkinSpan>

    init(group: any EventLoopGroup) async throws {
        let decoded = AwaitableList<ZipkinSpan>()
        self.decoded = decoded
        server = try await TestHTTPServer(group: group) { request in
            if let spans = try? ZipkinJSONDecoder().decodeSpans(request.body) {
                decoded.append(contentsOf: spans)
                return .reply(status: .accepted, headers: [], body: "")
            }
            return .reply(status: .badRequest, headers: [], body: "bad spans")
        }
    }

    var url: String { "http://127.0.0.1:\(server.port)/api/v2/spans" }
    var spans: [ZipkinSpan] { decoded.elements }

    /// Waits until the spans received satisfy `predicate` (the reporter flushes on a short timer),
    /// or until `timeout` passes: then it returns what arrived.
    func wait(timeout: Duration = .seconds(10), until predicate: @escaping @Sendable ([ZipkinSpan]) -> Bool) async -> [ZipkinSpan] {
        await decoded.wait(timeout: timeout, until: predicate)
    }
}
