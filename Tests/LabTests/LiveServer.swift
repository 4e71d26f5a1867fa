import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs a Hummingbird application on 127.0.0.1 port 0 for the duration of `body`, which gets
/// the port the OS chose, then shuts it down gracefully.
func withLiveServer<App: ApplicationProtocol, Value: Sendable>(
    _ build: (@escaping @Sendable (any Channel) async -> Void) throws -> App,
    _ body: (Int) async throws -> Value
) async throws -> Value {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = try build { channel in
        continuation.yield(channel.localAddress?.port ?? 0)
        continuation.finish()
    }
    let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test")))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            throw LiveServerError.noPort
        }
        do {
            let value = try await body(port)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

enum LiveServerError: Error {
    case noPort
}
