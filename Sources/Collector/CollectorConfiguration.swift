/// Everything `buildCollectorApplication` needs; parsed from flags by the `collector` command.
public struct CollectorConfiguration: Sendable, Hashable {
    /// Where spans are kept.
    public enum Storage: Sendable, Hashable, CustomStringConvertible {
        case memory
        case sqlite(path: String)

        /// Parses `memory` or `sqlite:PATH`.
        public init(parsing text: String) throws(CollectorError) {
            if text == "memory" {
                self = .memory
            } else if text.hasPrefix("sqlite:"), text.count > "sqlite:".count {
                self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
            } else {
                throw CollectorError(.invalidStorage(text))
            }
        }

        public var description: String {
            switch self {
            case .memory: "memory"
            case .sqlite(let path): "sqlite:\(path)"
            }
        }
    }

    public var host: String
    public var port: Int
    public var storage: Storage
    /// Upper bound of stored spans; the oldest traces are evicted beyond it.
    public var maxSpans: Int
    /// Seconds a trace is kept after its newest span; nil keeps it until evicted.
    public var retentionSeconds: UInt64?
    /// Largest accepted request body (compressed and decompressed), in bytes; more is a 413.
    public var maxBodyBytes: Int
    /// Milliseconds `/traces` and `/dependencies` look back when `lookback` is absent
    /// (Zipkin's `QUERY_LOOKBACK`, one day).
    public var defaultLookbackMillis: UInt64
    /// The workshop's scenarios directory (`scenarios/`), listed by the course page; nil: no course.
    public var courseDirectory: String?
    /// The results `tracelab run` saves for the lab (`.tracelab/runs/last.json`), shown per lesson.
    public var courseResults: String?

    public init(
        host: String = "127.0.0.1", port: Int = 9411, storage: Storage = .memory, maxSpans: Int = 1_000_000,
        retentionSeconds: UInt64? = nil, maxBodyBytes: Int = 16 * 1024 * 1024, defaultLookbackMillis: UInt64 = 86_400_000,
        courseDirectory: String? = nil, courseResults: String? = nil
    ) {
        self.host = host
        self.port = port
        self.storage = storage
        self.maxSpans = maxSpans
        self.retentionSeconds = retentionSeconds
        self.maxBodyBytes = maxBodyBytes
        self.defaultLookbackMillis = defaultLookbackMillis
        self.courseDirectory = courseDirectory
        self.courseResults = courseResults
    }

    /// Parses `HOST:PORT` (`[::1]:9411` for IPv6).
    public static func parseListen(_ text: String) throws(CollectorError) -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":") else { throw CollectorError(.invalidListenAddress(text)) }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw CollectorError(.invalidListenAddress(text))
        }
        return (host, port)
    }

    /// Parses `90s`, `30m`, `24h`, `7d` into seconds.
    public static func parseDuration(_ text: String) throws(CollectorError) -> UInt64 {
        guard let unit = text.last, let value = UInt64(text.dropLast()), value > 0 else {
            throw CollectorError(.invalidDuration(text))
        }
        let scale: UInt64
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86400
        default: throw CollectorError(.invalidDuration(text))
        }
        let (seconds, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw CollectorError(.invalidDuration(text)) }
        return seconds
    }
}
