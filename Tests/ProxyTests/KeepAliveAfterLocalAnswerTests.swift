import Foundation
import NIOPosix
import Proxy
import ProxyCore
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A proxy that answers by itself (fault abort) keeps the client's kept-alive connection open.
///
/// Regression: the abort is decided on the request head, before the request's end is read,
/// and the proxy used to close the connection then without saying `Connection: close`. A
/// client that reused the connection (AsyncHTTPClient in the lab's apps) lost its next call
/// to a reset, so ~2 % of calls through an aborting route never reached the sidecar at all.
@Suite("keep-alive after a local answer")
struct KeepAliveAfterLocalAnswerTests {
    @Test("two requests on one connection both get the abort status and both are reported")
    func abortKeepsConnection() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let ratings = try await TestHTTPServer(group: group) { _ in .reply(status: .ok, headers: [], body: "ok") }
        let port = ratings.port
        let harness = try await ProxyHarness.start(service: "reviews", routes: { _ in
            ["ratings": Route(endpoints: [RouteEndpoint(address: HostPort(host: "127.0.0.1", port: port))])]
        })
        try await harness.shuttingDown {
            let fault = try await harness.send(harness.adminURL + "/config/routes/ratings", method: .PUT, body: #"{"fault":{"abort":{"status":503,"percent":100}}}"#)
            #expect(fault.status == 200)

            let outboundPort = try #require(harness.addresses.outbound?.port)
            let socket = try RawHTTPSocket(port: outboundPort)
            defer { socket.close() }
            let request = "GET /ratings/0 HTTP/1.1\r\nHost: ratings\r\n\r\n"
            let first = try socket.exchange(request)
            let second = try socket.exchange(request)
            #expect(first.hasPrefix("HTTP/1.1 503"), "\(first)")
            #expect(second.hasPrefix("HTTP/1.1 503"), "the connection must still serve a second request: \(second)")
            let spans = await harness.sink.wait { $0.count >= 2 }
            #expect(spans.filter { $0.tags["error"] != nil }.count == 2)
        }
        await ratings.close()
    }
}

/// A blocking loopback socket that sends one request and reads one Content-Length response.
private struct RawHTTPSocket {
    let descriptor: Int32

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(port: Int) throws {
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw Failure(description: "connect to 127.0.0.1:\(port) failed: errno \(errno)") }
    }

    func exchange(_ request: String) throws -> String {
        let bytes = Array(request.utf8)
        guard send(descriptor, bytes, bytes.count, 0) == bytes.count else { throw Failure(description: "send failed: errno \(errno)") }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { return String(decoding: received, as: UTF8.self) + (count == 0 ? "<closed>" : "<recv error \(errno)>") }
            received.append(contentsOf: buffer[0..<count])
            let text = String(decoding: received, as: UTF8.self)
            if let headerEnd = text.range(of: "\r\n\r\n"),
               let lengthLine = text[..<headerEnd.lowerBound].split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
               let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)),
               received.count >= text.utf8.distance(from: text.utf8.startIndex, to: headerEnd.upperBound) + length {
                return text
            }
        }
    }

    func close() {
        #if canImport(Glibc)
        _ = Glibc.close(descriptor)
        #else
        _ = Darwin.close(descriptor)
        #endif
    }
}
