#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The span log file cannot be opened for appending.
public struct SpanLogError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    init(path: String, errno code: Int32) {
        self.path = path
        self.reason = Self.describe(errno: code)
    }

    static func describe(errno code: Int32) -> String {
        String(cString: strerror(code))
    }

    public var description: String {
        "cannot open --span-log '\(path)' for appending: \(reason); give a file in a directory this user may write"
    }
}
