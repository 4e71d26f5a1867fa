import TraceContext
import Zipkin

/// What the proxy does now: identity, addresses, sampling, propagation and routes.
///
/// Built from the flags at start-up, changed at runtime through the admin API (routes,
/// faults, timeouts, retries, sampling) and shown by `GET /config`. A value type: each
/// request reads one consistent copy.
public struct ProxySettings: Hashable, Sendable {
    public var service: String
    public var nodeID: String
    public var inbound: HostPort
    public var app: HostPort
    public var outbound: HostPort?
    public var zipkin: String?
    /// Whether `zipkin` is an https:// URL: its POSTs need TLS, which only `tracelab proxy` links.
    public var zipkinIsHTTPS: Bool {
        zipkin?.lowercased().hasPrefix("https://") ?? false
    }
    /// The body of the POSTs to `zipkin` (`--zipkin-encoding`).
    public var zipkinEncoding: ZipkinEncoding
    /// A file spans are appended to, one JSON span per line (`--span-log`); nil for none.
    public var spanLog: String?
    /// Probability 0.0…1.0 that a new trace (or one whose caller deferred) is sampled.
    public var sampling: Double
    /// Formats read from incoming requests (in this precedence) and written to outgoing ones.
    public var propagation: [PropagationFormatName]
    public var routes: [String: Route]
    /// Added to every span timestamp this sidecar reports: its host's clock error (0 normally).
    public var clockOffsetMicroseconds: Int64

    public init(
        service: String, nodeID: String? = nil, inbound: HostPort, app: HostPort, outbound: HostPort? = nil,
        zipkin: String? = nil, sampling: Double = 1.0, propagation: [PropagationFormatName] = [.b3multi, .b3single, .w3c],
        routes: [String: Route] = [:], clockOffsetMicroseconds: Int64 = 0,
        zipkinEncoding: ZipkinEncoding = .json, spanLog: String? = nil
    ) {
        self.service = service
        self.nodeID = nodeID ?? service
        self.inbound = inbound
        self.app = app
        self.outbound = outbound
        self.zipkin = zipkin
        self.sampling = sampling
        self.propagation = propagation
        self.routes = routes
        self.clockOffsetMicroseconds = clockOffsetMicroseconds
        self.zipkinEncoding = zipkinEncoding
        self.spanLog = spanLog
    }

    /// `--clock-offset` and `PUT /config/clock` values: a signed duration with a unit.
    public static func clockOffset(parsing text: String) throws(ProxyConfigurationError) -> Int64 {
        guard let offset = ClockOffset.parse(text) else { throw ProxyConfigurationError(.invalidClockOffset(text)) }
        return offset
    }

    /// `--zipkin-encoding` values: `json` or `proto3`.
    public static func zipkinEncoding(parsing text: String) throws(ProxyConfigurationError) -> ZipkinEncoding {
        do throws(ZipkinEncodingError) {
            return try ZipkinEncoding(parsing: text)
        } catch {
            throw ProxyConfigurationError(.invalidOption("invalid --zipkin-encoding: \(error)"))
        }
    }

    /// `--span-log` names a file; whether it can be written is found out when the proxy starts.
    public static func validateSpanLog(_ path: String?) throws(ProxyConfigurationError) {
        guard let path, path.isEmpty || path.hasSuffix("/") else { return }
        throw ProxyConfigurationError(.invalidOption("invalid --span-log '\(path)': give a file path, e.g. /tmp/reviews-spans.jsonl"))
    }

    public static func validateSampling(_ rate: Double) throws(ProxyConfigurationError) {
        guard rate.isFinite, (0...1).contains(rate) else { throw ProxyConfigurationError(.invalidSamplingRate("\(rate)")) }
    }
}

/// The three formats the sidecar speaks (the `--propagation` flag values).
public enum PropagationFormatName: String, Hashable, Sendable, Codable, CaseIterable {
    case b3multi
    case b3single
    case w3c

    /// Parses `b3multi,b3single,w3c`; unknown names are an error naming them.
    public static func parseList(_ text: String) throws(ProxyConfigurationError) -> [PropagationFormatName] {
        var result: [PropagationFormatName] = []
        for item in text.split(separator: ",") {
            let name = item.trimmingOWS().lowercased()
            guard let format = PropagationFormatName(rawValue: name) else {
                throw ProxyConfigurationError(.invalidJSON("unknown propagation format '\(name)' in '\(text)': use b3multi, b3single or w3c"))
            }
            if !result.contains(format) { result.append(format) }
        }
        guard !result.isEmpty else { throw ProxyConfigurationError(.invalidJSON("--propagation is empty: use b3multi, b3single or w3c")) }
        return result
    }
}
