import Collector
import Testing

@Suite("Collector flags")
struct CollectorConfigurationTests {
    @Test("parses durations with units", arguments: [("90s", UInt64(90)), ("30m", 1800), ("24h", 86400), ("7d", 604_800)])
    func durations(text: String, seconds: UInt64) throws {
        #expect(try CollectorConfiguration.parseDuration(text) == seconds)
    }

    @Test("refuses durations without a unit or with a bad one", arguments: ["", "30", "m", "0m", "-5m", "1w", "1.5h", "99999999999999999999d"])
    func badDurations(text: String) {
        #expect(throws: CollectorError(.invalidDuration(text))) { try CollectorConfiguration.parseDuration(text) }
    }

    @Test("parses listen addresses", arguments: [("127.0.0.1:9411", "127.0.0.1", 9411), ("localhost:0", "localhost", 0), ("[::1]:80", "::1", 80)])
    func listen(text: String, host: String, port: Int) throws {
        let parsed = try CollectorConfiguration.parseListen(text)
        #expect(parsed.host == host)
        #expect(parsed.port == port)
    }

    @Test("refuses listen addresses that are not HOST:PORT", arguments: ["9411", ":9411", "host:", "host:70000", "host:abc"])
    func badListen(text: String) {
        #expect(throws: CollectorError(.invalidListenAddress(text))) { try CollectorConfiguration.parseListen(text) }
    }

    @Test("parses storage", arguments: [("memory", CollectorConfiguration.Storage.memory), ("sqlite:/tmp/x.db", .sqlite(path: "/tmp/x.db"))])
    func storage(text: String, storage: CollectorConfiguration.Storage) throws {
        #expect(try CollectorConfiguration.Storage(parsing: text) == storage)
    }

    @Test("refuses unknown storage", arguments: ["sqlite:", "postgres://x", "Memory"])
    func badStorage(text: String) {
        #expect(throws: CollectorError(.invalidStorage(text))) { try CollectorConfiguration.Storage(parsing: text) }
        #expect(CollectorError(.invalidStorage(text)).description.contains("sqlite:PATH"))
    }
}
