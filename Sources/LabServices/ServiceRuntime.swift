import Foundation
import Hummingbird
import LabModel
import Logging
import TraceContext

/// What every route of a service shares: its configuration, app tracer, downstream caller,
/// run-time propagation mode, app-span switch and span clock.
struct ServiceRuntime: Sendable {
    let configuration: ServiceConfiguration
    let tracer: AppTracer
    let caller: DownstreamCaller
    let propagation: PropagationSwitch
    let appSpans: AppSpanSwitch
    let clock: ServiceClock
    let logger: Logger

    /// Runs `body` as the handler of `request`, reporting the handler's app span around it.
    func handle(
        _ request: Request, name: String,
        _ body: (AppTracer.HandlerTrace) async -> Response
    ) async -> Response {
        let trace = tracer.beginHandler(headers: RequestHeaders(fields: request.headers), name: name)
        let response = await body(trace)
        tracer.endHandler(trace, method: request.method.rawValue, path: request.uri.path, status: response.status.code)
        return response
    }

    /// The product id of `/details/{id}` and friends; a 400 naming the input otherwise.
    static func productID(_ context: LabRequestContext) -> Result<Int, LabServiceError> {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int(text), id >= 0 else {
            return .failure(LabServiceError(.invalidProductID(text)))
        }
        return .success(id)
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func error(_ message: String, status: HTTPResponse.Status) -> Response {
        json(["error": message], status: status)
    }

    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) -> T? {
        try? JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
    }
}
