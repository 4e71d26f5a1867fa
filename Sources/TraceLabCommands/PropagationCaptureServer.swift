import Foundation
import Hummingbird
import LabModel
import Logging
import NIOCore
import PropagationCheck
import ServiceLifecycle
import Synchronization
import TraceContext

/// `check-propagation`'s stand-in for the app's sidecar outbound listener and every service
/// behind it: records each request (Host, path, headers) and answers 200 with a body a
/// bookinfo-style app can parse for the callee its Host names (ratings, details, reviews;
/// `{}` otherwise), so the app carries on as it would in the lab.
final class PropagationCaptureServer: Sendable {
    private let calls = Mutex<[CapturedCall]>([])

    /// How many calls have been recorded so far: a case's calls are those recorded after it.
    var count: Int { calls.withLock { $0.count } }

    func calls(since start: Int) -> [CapturedCall] {
        calls.withLock { Array($0.dropFirst(start)) }
    }

    /// Runs the server on `127.0.0.1:port` (0: the OS chooses) for the duration of `body`,
    /// which gets the bound address; stops it afterwards. Throws `CheckPropagationFailure` when
    /// the port cannot be bound.
    func serve<Value: Sendable>(port: Int, logger: Logger, _ body: @Sendable (HostPort) async throws -> Value) async throws -> Value {
        let (ports, continuation) = AsyncStream<Int?>.makeStream()
        let application = Application(
            router: router(),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "tracelab-check-propagation"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port)
                continuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                do {
                    try await group.run()
                } catch {
                    // A bind failure ends run() before the server ever runs: unblock the wait.
                    continuation.yield(nil)
                    continuation.finish()
                    throw error
                }
            }
            var iterator = ports.makeAsyncIterator()
            guard let bound = await iterator.next() ?? nil, bound > 0 else {
                await group.triggerGracefulShutdown()
                var reason = "it did not start"
                do { try await tasks.waitForAll() } catch { reason = "\(error)" }
                throw CheckPropagationFailure.setup("cannot listen on 127.0.0.1:\(port) (--outbound-port): \(reason)")
            }
            do {
                let value = try await body(HostPort(host: "127.0.0.1", port: bound))
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        let respond: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let host = PropagationCaptureServer.serviceName(fromAuthority: request.head.authority ?? "")
            var headers = HeaderFields()
            for field in request.headers { headers.add(field.value, forName: field.name.canonicalName) }
            self.calls.withLock { $0.append(CapturedCall(host: host, path: request.uri.path, headers: headers)) }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: PropagationCaptureServer.answer(for: host))))
        }
        for method: HTTPRequest.Method in [.get, .post, .put, .delete, .patch] {
            router.on("/", method: method, use: respond)
            router.on("**", method: method, use: respond)
        }
        return router
    }

    /// `ratings` of `ratings:9080`, `ratings.default.svc.cluster.local` or `ratings`.
    static func serviceName(fromAuthority authority: String) -> String {
        var name = Substring(authority)
        if let colon = name.lastIndex(of: ":"), !name.hasSuffix("]") { name = name[..<colon] }
        return String(name.split(separator: ".").first ?? name).lowercased()
    }

    /// The bookinfo shapes (Sources/LabServices/BookCatalog.swift), so a reviews or
    /// productpage app that parses its callee's answer does not fail the request.
    static func answer(for service: String) -> String {
        switch service {
        case "ratings":
            #"{"id":0,"ratings":{"Reviewer1":5,"Reviewer2":4}}"#
        case "details":
            #"{"id":0,"author":"William Shakespeare","year":1595,"type":"paperback","pages":200,"publisher":"PublisherA","language":"English","ISBN-10":"1234567890","ISBN-13":"123-1234567890"}"#
        case "reviews":
            #"{"id":"0","podname":"reviews-v2","reviews":[{"reviewer":"Reviewer1","text":"An extremely entertaining play by Shakespeare.","rating":{"stars":5,"color":"black"}},{"reviewer":"Reviewer2","text":"Absolutely fun and entertaining.","rating":{"stars":4,"color":"black"}}]}"#
        default:
            "{}"
        }
    }
}
