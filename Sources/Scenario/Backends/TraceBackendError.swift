/// Why a trace backend could not be used, naming the address, URL or id at fault and what to
/// do about it.
public struct TraceBackendError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// `--backend` text that is not `zipkin:URL` or `jaeger:URL`.
        case invalidAddress(String, why: String)
        /// A trace id that is not 1 to 32 hex digits.
        case invalidTraceID(String)
        /// The backend could not be reached (connection refused, DNS, timeout…).
        case unreachable(url: String, underlying: String)
        /// The backend answered with a status other than 200 (or 404 for an unknown trace).
        case unexpectedStatus(url: String, status: Int, body: String)
        /// The backend answered 200 with a body that is not the JSON its API documents.
        case invalidResponse(url: String, why: String)
    }

    public var reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .invalidAddress(let input, let why):
            return "invalid trace backend '\(input)': \(why); use zipkin:http://HOST:PORT (TraceLab's collector, Zipkin) "
                + "or jaeger:http://HOST:16686 (Jaeger's query service)"
        case .invalidTraceID(let id):
            return "invalid trace id '\(id)': expected 16 or 32 hex digits"
        case .unreachable(let url, let underlying):
            return "trace backend unreachable at \(url) (\(underlying)); is it running and is the URL right?"
        case .unexpectedStatus(let url, let status, let body):
            let shown = body.isEmpty ? "" : ": \(body)"
            return "trace backend answered HTTP \(status) for \(url)\(shown)"
        case .invalidResponse(let url, let why):
            return "trace backend at \(url) answered with an unexpected body (\(why)); is this the right kind of backend (zipkin: or jaeger:)?"
        }
    }
}
