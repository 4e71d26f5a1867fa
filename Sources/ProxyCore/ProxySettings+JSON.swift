#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Zipkin

/// The admin API's JSON shapes (`GET /config`, `PUT /config/routes/{service}`,
/// `PUT /config/sampling`); the keys are the cross-part contract.
extension ProxySettings: Codable {
    enum CodingKeys: String, CodingKey {
        case service, nodeId, inbound, app, outbound, zipkin, zipkinEncoding, spanLog, sampling, propagation, routes, clockOffsetMicroseconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            service: try container.decode(String.self, forKey: .service),
            nodeID: try container.decode(String.self, forKey: .nodeId),
            inbound: try container.decode(HostPort.self, forKey: .inbound),
            app: try container.decode(HostPort.self, forKey: .app),
            outbound: try container.decodeIfPresent(HostPort.self, forKey: .outbound),
            zipkin: try container.decodeIfPresent(String.self, forKey: .zipkin),
            sampling: try container.decode(Double.self, forKey: .sampling),
            propagation: try container.decode([PropagationFormatName].self, forKey: .propagation),
            routes: try container.decode([String: Route].self, forKey: .routes),
            clockOffsetMicroseconds: try container.decodeIfPresent(Int64.self, forKey: .clockOffsetMicroseconds) ?? 0,
            zipkinEncoding: try container.decodeIfPresent(ZipkinEncoding.self, forKey: .zipkinEncoding) ?? .json,
            spanLog: try container.decodeIfPresent(String.self, forKey: .spanLog)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(service, forKey: .service)
        try container.encode(nodeID, forKey: .nodeId)
        try container.encode(inbound, forKey: .inbound)
        try container.encode(app, forKey: .app)
        try container.encodeIfPresent(outbound, forKey: .outbound)
        try container.encodeIfPresent(zipkin, forKey: .zipkin)
        try container.encode(zipkinEncoding, forKey: .zipkinEncoding)
        try container.encodeIfPresent(spanLog, forKey: .spanLog)
        try container.encode(sampling, forKey: .sampling)
        try container.encode(propagation, forKey: .propagation)
        try container.encode(routes, forKey: .routes)
        try container.encode(clockOffsetMicroseconds, forKey: .clockOffsetMicroseconds)
    }

    /// `GET /config` body.
    public func jsonBytes() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(self))) ?? Array(#"{"error":"configuration could not be encoded"}"#.utf8)
    }
}

extension Route: Codable {
    enum CodingKeys: String, CodingKey {
        case endpoints, fault, timeoutMilliseconds, retries
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            endpoints: try container.decode([RouteEndpoint].self, forKey: .endpoints),
            fault: try container.decodeIfPresent(FaultPolicy.self, forKey: .fault),
            timeoutMilliseconds: try container.decodeIfPresent(Int.self, forKey: .timeoutMilliseconds) ?? Route.defaultTimeoutMilliseconds,
            retries: try container.decodeIfPresent(Int.self, forKey: .retries) ?? 0
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(endpoints, forKey: .endpoints)
        try container.encodeIfPresent(fault, forKey: .fault)
        try container.encode(timeoutMilliseconds, forKey: .timeoutMilliseconds)
        try container.encode(retries, forKey: .retries)
    }
}

/// The body of `PUT /config/routes/{service}`: any subset of the route's fields. Omitted
/// fields keep their value; `"fault": null` clears the faults.
public struct RouteUpdate: Hashable, Sendable {
    public enum FaultChange: Hashable, Sendable {
        case keep
        case clear
        case set(FaultPolicy)
    }

    public var endpoints: [RouteEndpoint]?
    public var fault: FaultChange
    public var timeoutMilliseconds: Int?
    public var retries: Int?

    public init(endpoints: [RouteEndpoint]? = nil, fault: FaultChange = .keep, timeoutMilliseconds: Int? = nil, retries: Int? = nil) {
        self.endpoints = endpoints
        self.fault = fault
        self.timeoutMilliseconds = timeoutMilliseconds
        self.retries = retries
    }

    /// Parses the body; errors name the field that is wrong.
    public static func parse(_ bytes: [UInt8]) throws(ProxyConfigurationError) -> RouteUpdate {
        let object = try AdminJSON.object(bytes)
        let known: Set<String> = ["endpoints", "fault", "timeoutMilliseconds", "retries"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw ProxyConfigurationError(.invalidJSON("unknown field '\(unknown)': use endpoints, fault, timeoutMilliseconds or retries"))
        }
        var update = RouteUpdate()
        let data = Data(bytes)
        struct Body: Decodable {
            var endpoints: [RouteEndpoint]?
            var fault: FaultPolicy?
            var timeoutMilliseconds: Int?
            var retries: Int?
        }
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: data)
        } catch {
            throw ProxyConfigurationError(.invalidJSON(AdminJSON.describe(error)))
        }
        update.endpoints = body.endpoints
        if object.keys.contains("fault") {
            update.fault = body.fault.map { .set($0) } ?? .clear
        }
        update.timeoutMilliseconds = body.timeoutMilliseconds
        update.retries = body.retries
        return update
    }

    /// Applies the update to `route` (or to a new route when there is none yet) and validates.
    public func applied(to route: Route?) throws(ProxyConfigurationError) -> Route {
        var result: Route
        if let route {
            result = route
        } else {
            guard let endpoints, !endpoints.isEmpty else {
                throw ProxyConfigurationError(.invalidJSON("field 'endpoints' is required to create a route"))
            }
            result = Route(endpoints: endpoints)
        }
        if let endpoints { result.endpoints = endpoints }
        switch fault {
        case .keep: break
        case .clear: result.fault = nil
        case .set(let policy): result.fault = policy
        }
        if let timeoutMilliseconds { result.timeoutMilliseconds = timeoutMilliseconds }
        if let retries { result.retries = retries }
        try result.validate()
        return result
    }
}

/// Helpers for admin bodies.
public enum AdminJSON {
    static func object(_ bytes: [UInt8]) throws(ProxyConfigurationError) -> [String: AdminJSONValue] {
        let parsed: AdminJSONValue
        do {
            parsed = try JSONDecoder().decode(AdminJSONValue.self, from: Data(bytes))
        } catch {
            throw ProxyConfigurationError(.invalidJSON("body is not JSON (\(String(decoding: bytes.prefix(80), as: UTF8.self)))"))
        }
        guard case .object(let object) = parsed else {
            throw ProxyConfigurationError(.invalidJSON("body must be a JSON object"))
        }
        return object
    }

    /// Parses `{"rate":0.1}` for `PUT /config/sampling`.
    public static func samplingRate(_ bytes: [UInt8]) throws(ProxyConfigurationError) -> Double {
        let object = try object(bytes)
        guard object["rate"] != nil else { throw ProxyConfigurationError(.invalidJSON("field 'rate' is missing, e.g. {\"rate\":0.1}")) }
        struct Body: Decodable { var rate: Double }
        let rate: Double
        do {
            rate = try JSONDecoder().decode(Body.self, from: Data(bytes)).rate
        } catch {
            throw ProxyConfigurationError(.invalidJSON(describe(error)))
        }
        try ProxySettings.validateSampling(rate)
        return rate
    }

    /// Parses `{"formats":"b3multi,w3c"}` or `{"formats":["b3multi","w3c"]}` for
    /// `PUT /config/propagation` (the names of `--propagation`).
    public static func propagationFormats(_ bytes: [UInt8]) throws(ProxyConfigurationError) -> [PropagationFormatName] {
        let object = try object(bytes)
        if let unknown = object.keys.sorted().first(where: { $0 != "formats" }) {
            throw ProxyConfigurationError(.invalidJSON("unknown field '\(unknown)': use formats, e.g. {\"formats\":\"b3multi,w3c\"}"))
        }
        if let text = object["formats"]?.string {
            return try PropagationFormatName.parseList(text)
        }
        if case .array(let list)? = object["formats"] {
            let names = list.compactMap(\.string)
            guard names.count == list.count else {
                throw ProxyConfigurationError(.invalidJSON("field 'formats' must list strings, e.g. [\"b3multi\",\"w3c\"]"))
            }
            return try PropagationFormatName.parseList(names.joined(separator: ","))
        }
        throw ProxyConfigurationError(.invalidJSON("field 'formats' is missing or not a string or list, e.g. {\"formats\":\"b3multi,w3c\"}"))
    }

    /// Parses `{"address":"127.0.0.1:9000"}` for `PUT /config/app`.
    public static func appAddress(_ bytes: [UInt8]) throws(ProxyConfigurationError) -> HostPort {
        let object = try object(bytes)
        if let unknown = object.keys.sorted().first(where: { $0 != "address" }) {
            throw ProxyConfigurationError(.invalidJSON("unknown field '\(unknown)': use address, e.g. {\"address\":\"127.0.0.1:9000\"}"))
        }
        guard let text = object["address"]?.string else {
            throw ProxyConfigurationError(.invalidJSON("field 'address' is missing or not a string, e.g. {\"address\":\"127.0.0.1:9000\"}"))
        }
        return try HostPort(parsing: text)
    }

    /// Parses `{"offset":"250ms"}` (or `"-1.5s"`, `"0"`) for `PUT /config/clock`.
    public static func clockOffset(_ bytes: [UInt8]) throws(ProxyConfigurationError) -> Int64 {
        let object = try object(bytes)
        guard let text = object["offset"]?.string else {
            throw ProxyConfigurationError(.invalidJSON("field 'offset' is missing or not a string, e.g. {\"offset\":\"250ms\"}"))
        }
        if let unknown = object.keys.sorted().first(where: { $0 != "offset" }) {
            throw ProxyConfigurationError(.invalidJSON("unknown field '\(unknown)': use offset"))
        }
        return try ProxySettings.clockOffset(parsing: text)
    }

    static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch decoding {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "field '\(path(context))' has the wrong type: \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            let prefix = path(context)
            return "field '\(prefix.isEmpty ? key.stringValue : prefix + "." + key.stringValue)' is missing"
        case .dataCorrupted(let context):
            return "field '\(path(context))': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
