import Testing
import TraceLabBench

@Suite("Which sidecar `tracelab bench proxy` measures")
struct ProxyUnderTestTests {
    @Test("the lean tracelab-proxy beside tracelab when it is at least as new")
    func lean() {
        let choice = ProxyUnderTest.choose(tracelabExecutable: "/r/.build/release/tracelab") { path in
            ["/r/.build/release/tracelab": 100, "/r/.build/release/tracelab-proxy": 100][path]
        }
        #expect(choice.command == "/r/.build/release/tracelab-proxy")
        #expect(choice.note == nil)
    }

    @Test("tracelab proxy when there is no lean executable, or only a stale one, saying why")
    func fallback() {
        let missing = ProxyUnderTest.choose(tracelabExecutable: "/r/.build/release/tracelab") { path in
            path == "/r/.build/release/tracelab" ? 100 : nil
        }
        #expect(missing.command == "/r/.build/release/tracelab proxy")
        #expect(missing.note?.contains("swift build -c release --product tracelab-proxy") == true)

        let stale = ProxyUnderTest.choose(tracelabExecutable: "/r/.build/release/tracelab") { path in
            ["/r/.build/release/tracelab": 200, "/r/.build/release/tracelab-proxy": 100][path]
        }
        #expect(stale.command == "/r/.build/release/tracelab proxy")
        #expect(stale.note?.contains("older than this tracelab") == true)
    }

    @Test("a bare executable name looks beside it in the current directory")
    func bareName() {
        let choice = ProxyUnderTest.choose(tracelabExecutable: "tracelab") { _ in 1 }
        #expect(choice.command == "tracelab-proxy")
    }
}
