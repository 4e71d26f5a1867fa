import TestSupport

extension TestHTTPServer {
    /// A server for the load generator's tests, its behaviour chosen by path: `/ok` 200,
    /// `/fail` 503, `/slow` answers after 100 ms, `/hang` never answers, `/close` answers with
    /// `connection: close` and closes, `/reset` closes without answering.
    static func scripted() async throws -> TestHTTPServer {
        try await TestHTTPServer { request in
            switch request.head.uri {
            case "/fail": .reply(status: .serviceUnavailable, body: "ok")
            case "/slow": .reply(status: .ok, body: "ok", after: .milliseconds(100))
            case "/hang": .hang
            case "/close": .reply(status: .ok, body: "ok", close: true)
            case "/reset": .reset
            default: .reply(status: .ok, body: "ok")
            }
        }
    }

    /// The `x-index` header of every request received, in arrival order.
    var receivedIndices: [Int] {
        recorded.compactMap { $0.head.headers.first(name: "x-index").flatMap(Int.init) }
    }
}
