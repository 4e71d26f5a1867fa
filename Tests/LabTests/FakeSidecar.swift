import Foundation
import Hummingbird
import NIOCore
import Synchronization
import Zipkin

/// Stands in for a sidecar's outbound listener: records what each app sent (Host, path,
/// headers) and answers like the service named by Host would, or 503 for `failing` ones.
final class FakeSidecar: Sendable {
    struct Recorded: Sendable {
        var host: String
        var path: String
        var headers: [String: String]
    }

    private let log = Mutex<[Recorded]>([])
    let failing: Set<String>

    init(failing: Set<String> = []) {
        self.failing = failing
    }

    var requests: [Recorded] { log.withLock { $0 } }

    func application(onServerRunning: @escaping @Sendable (any Channel) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        let respond: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let host = request.head.authority ?? ""
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            self.log.withLock { $0.append(Recorded(host: host, path: request.uri.path, headers: headers)) }
            if self.failing.contains(host) {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "fault filter abort")))
            }
            let body: String
            switch host {
            case "details":
                body = #"{"id":0,"author":"William Shakespeare","year":1595,"type":"paperback","pages":200,"publisher":"PublisherA","language":"English","ISBN-10":"1234567890","ISBN-13":"123-1234567890"}"#
            case "reviews":
                body = #"{"id":"0","podname":"reviews-v3","reviews":[{"reviewer":"Reviewer1","text":"Fun <b>play</b>","rating":{"stars":5,"color":"red"}},{"reviewer":"Reviewer2","text":"Fine","rating":{"stars":4,"color":"red"}}]}"#
            case "ratings":
                body = #"{"id":0,"ratings":{"Reviewer1":5,"Reviewer2":4}}"#
            case "service-b":
                body = "service-c-v1: hello\nservice-b-v1: hello\n"
            case "service-c":
                body = "service-c-v1: hello\n"
            default:
                return Response(status: .notFound)
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/", use: respond)
        router.get("**", use: respond)
        return Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: onServerRunning
        )
    }
}

/// A reporter that keeps spans for assertions.
final class CollectingReporter: SpanReporter, Sendable {
    private let spans = Mutex<[ZipkinSpan]>([])

    func report(_ span: ZipkinSpan) {
        spans.withLock { $0.append(span) }
    }

    var reported: [ZipkinSpan] { spans.withLock { $0 } }
}
