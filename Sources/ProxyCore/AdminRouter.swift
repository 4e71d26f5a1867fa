import NIOHTTP1

/// The admin API (`--admin`): readiness, stats, Prometheus metrics and runtime changes of
/// routes, faults, timeouts, retries, sampling, propagation formats and the span clock's offset. Pure over a ``ProxyRuntime``: the HTTP
/// handler in `Proxy` only collects the body and writes the answer.
public struct AdminRouter: Sendable {
    public struct Response: Hashable, Sendable {
        public var status: HTTPResponseStatus
        public var contentType: String
        public var body: [UInt8]

        public init(status: HTTPResponseStatus, contentType: String = "application/json", body: [UInt8]) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }

        static func error(_ status: HTTPResponseStatus, _ message: String) -> Response {
            Response(status: status, body: Array("{\"error\":\(JSONText.quoted(message))}".utf8))
        }
    }

    public let runtime: ProxyRuntime

    public init(runtime: ProxyRuntime) {
        self.runtime = runtime
    }

    public func handle(method: HTTPMethod, path rawPath: String, body: [UInt8]) -> Response {
        let path = rawPath.split(separator: "?", maxSplits: 1).first.map(String.init) ?? rawPath
        switch (method, path) {
        case (.GET, "/ready"), (.HEAD, "/ready"):
            return runtime.isReady
                ? Response(status: .ok, contentType: "text/plain", body: Array("ready".utf8))
                : Response(status: .serviceUnavailable, contentType: "text/plain", body: Array("not ready".utf8))
        case (.GET, "/stats"):
            return Response(status: .ok, body: Array(ProxyStatsDocument.json(runtime: runtime).utf8))
        case (.GET, "/metrics"):
            return Response(status: .ok, contentType: "text/plain; version=0.0.4", body: Array(PrometheusText.render(runtime: runtime).utf8))
        case (.GET, "/config"):
            return Response(status: .ok, body: runtime.settings.jsonBytes())
        case (.PUT, "/config/sampling"):
            do {
                let rate = try AdminJSON.samplingRate(body)
                return Response(status: .ok, body: try runtime.setSampling(rate).jsonBytes())
            } catch {
                return .error(.badRequest, error.description)
            }
        case (.PUT, "/config/propagation"):
            do {
                let formats = try AdminJSON.propagationFormats(body)
                return Response(status: .ok, body: try runtime.setPropagation(formats).jsonBytes())
            } catch {
                return .error(.badRequest, error.description)
            }
        case (.PUT, "/config/clock"):
            do {
                let offset = try AdminJSON.clockOffset(body)
                return Response(status: .ok, body: runtime.setClockOffset(offset).jsonBytes())
            } catch {
                return .error(.badRequest, error.description)
            }
        case (.PUT, "/config/app"):
            do {
                let address = try AdminJSON.appAddress(body)
                return Response(status: .ok, body: runtime.setApp(address).jsonBytes())
            } catch {
                return .error(.badRequest, error.description)
            }
        case (.POST, "/config/reset"):
            return Response(status: .ok, body: runtime.reset().jsonBytes())
        default:
            break
        }
        let prefix = "/config/routes/"
        if path.hasPrefix(prefix) {
            let service = String(path.dropFirst(prefix.count))
            guard method == .PUT else {
                return .error(.methodNotAllowed, "use PUT \(path) with a JSON body")
            }
            do {
                let update = try RouteUpdate.parse(body)
                return Response(status: .ok, body: try runtime.updateRoute(service, update).jsonBytes())
            } catch {
                return .error(.badRequest, error.description)
            }
        }
        let known = ["/ready", "/stats", "/metrics", "/config", "/config/sampling", "/config/propagation", "/config/clock", "/config/app", "/config/reset"]
        if known.contains(path) {
            return .error(.methodNotAllowed, "\(method.rawValue) is not supported on \(path)")
        }
        return .error(.notFound, "no admin endpoint \(path): use /ready, /stats, /metrics, /config, PUT /config/routes/{service}, PUT /config/sampling, PUT /config/propagation, PUT /config/clock, PUT /config/app, POST /config/reset")
    }
}

enum JSONText {
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
