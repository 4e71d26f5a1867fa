import HTTP1Wire
import Testing

@Suite("http:// URLs taken apart for a client")
struct HTTPEndpointTests {
    @Test("host, port, target and Host field")
    func parses() throws {
        let cases: [(String, String, Int, String, String)] = [
            ("http://127.0.0.1:9411/api/v2/spans", "127.0.0.1", 9411, "/api/v2/spans", "127.0.0.1:9411"),
            ("http://collector/api/v2/spans", "collector", 80, "/api/v2/spans", "collector"),
            ("HTTP://Zipkin.Example:9411", "Zipkin.Example", 9411, "/", "Zipkin.Example:9411"),
            ("http://[::1]:4318/v1/traces", "::1", 4318, "/v1/traces", "[::1]:4318"),
            ("http://[::1]/x", "::1", 80, "/x", "[::1]"),
            ("http://h:81?tenant=a", "h", 81, "/?tenant=a", "h:81"),
            ("http://h/p?q=1#frag", "h", 80, "/p?q=1", "h"),
            ("http://h:/p", "h", 80, "/p", "h:"),
        ]
        for (url, host, port, target, authority) in cases {
            let endpoint = try HTTPEndpoint(parsing: url)
            #expect(endpoint.host == host, "\(url)")
            #expect(endpoint.port == port, "\(url)")
            #expect(endpoint.target == target, "\(url)")
            #expect(endpoint.authority == authority, "\(url)")
        }
    }

    @Test("what a client cannot post to is refused, naming why")
    func refuses() {
        let cases: [(String, String)] = [
            ("https://collector/api/v2/spans", "https is not spoken"),
            ("collector:9411/api/v2/spans", "must start with http://"),
            ("http://", "must start with http://"),
            ("http:///api", "names no host"),
            ("http://:9411/api", "names no host"),
            ("http://user@collector/api", "user information"),
            ("http://collector:99999/api", "port '99999'"),
            ("http://collector:9x/api", "port '9x'"),
            ("http://[::1/api", "lacks its ']'"),
            ("http://[zz]/api", "not an IPv6 address"),
            ("http://a:b:9411/api", "character a host name cannot have"),
            ("http://collector/api v2", "percent-encode"),
        ]
        for (url, words) in cases {
            do {
                let endpoint = try HTTPEndpoint(parsing: url)
                Issue.record("\(url) parsed as \(endpoint)")
            } catch {
                #expect(error.description.contains(words), "\(url): \(error)")
            }
        }
    }
}
