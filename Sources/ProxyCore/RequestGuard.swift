import Foundation
import NIOHTTP1

/// Checks a request head the parser let through, before anything is forwarded.
///
/// The rules close request-smuggling gaps between the proxy and the app (RFC 9112 §6.3):
/// a message with both `Content-Length` and `Transfer-Encoding`, or with `Content-Length`
/// values that disagree, is rejected rather than guessed at.
public struct RequestGuard: Sendable {
    /// The largest header section accepted (names + values + separators); Envoy's default is 60 KiB.
    public var maxHeaderBytes: Int

    public init(maxHeaderBytes: Int = 60 * 1024) {
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// Why a request is refused: the status and a message for the client.
    public struct Rejection: Hashable, Sendable, Error {
        public var status: HTTPResponseStatus
        public var message: String

        public init(status: HTTPResponseStatus, message: String) {
            self.status = status
            self.message = message
        }
    }

    public func check(_ head: HTTPRequestHead) -> Rejection? {
        var size = head.uri.utf8.count + 16
        for (name, value) in head.headers {
            size += name.utf8.count + value.utf8.count + 4
            if let bad = name.utf8.first(where: { !Self.isTokenByte($0) }) {
                return Rejection(status: .badRequest, message: "invalid byte 0x\(String(bad, radix: 16)) in a header name ('\(name.debugDescription)')")
            }
            if let bad = value.utf8.first(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
                return Rejection(status: .badRequest, message: "invalid byte 0x\(String(bad, radix: 16)) in the value of header '\(name)'")
            }
        }
        if size > maxHeaderBytes {
            return Rejection(status: .init(statusCode: 431), message: "request header section is \(size) bytes, over the limit of \(maxHeaderBytes)")
        }
        let lengths = head.headers[canonicalForm: "content-length"]
        if !lengths.isEmpty, head.headers.contains(name: "transfer-encoding") {
            return Rejection(status: .badRequest, message: "both Content-Length and Transfer-Encoding are present; send only one")
        }
        if lengths.count > 1 {
            let distinct = Set(lengths.map { $0.trimmingCharacters(in: .whitespaces) })
            if distinct.count > 1 {
                return Rejection(status: .badRequest, message: "conflicting Content-Length values \(lengths.joined(separator: ", "))")
            }
        }
        if let length = lengths.first, UInt64(length.trimmingCharacters(in: .whitespaces)) == nil {
            return Rejection(status: .badRequest, message: "Content-Length '\(length)' is not a number")
        }
        return nil
    }

    /// RFC 9110 §5.6.2 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
