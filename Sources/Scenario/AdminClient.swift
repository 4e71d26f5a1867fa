import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// JSON calls to the sidecars' and apps' admin APIs (routes, faults, sampling, propagation
/// modes, stats). Any non-2xx answer is an error that quotes the URL and the body's message.
public struct AdminClient: Sendable {
    public let httpClient: HTTPClient
    public let timeout: Duration

    public init(httpClient: HTTPClient, timeout: Duration = .seconds(5)) {
        self.httpClient = httpClient
        self.timeout = timeout
    }

    @discardableResult
    public func send(_ method: HTTPMethod, _ url: String, json: Any? = nil) async throws(ScenarioRunError) -> Any? {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let json {
            do {
                let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: data))
            } catch {
                throw ScenarioRunError(.admin(url: url, detail: "cannot encode the request body: \(error)"))
            }
        }
        let bytes: ByteBuffer
        let status: UInt
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(timeout))
            status = response.status.code
            bytes = try await response.body.collect(upTo: 4 << 20)
        } catch {
            throw ScenarioRunError(.admin(url: url, detail: "\(error)"))
        }
        let body = bytes.getBytes(at: bytes.readerIndex, length: bytes.readableBytes) ?? []
        let parsed = body.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        guard (200..<300).contains(status) else {
            let message = (parsed as? [String: Any])?["error"] as? String ?? String(decoding: body.prefix(300), as: UTF8.self)
            throw ScenarioRunError(.admin(url: url, detail: "HTTP \(status): \(message)"))
        }
        return parsed
    }
}
