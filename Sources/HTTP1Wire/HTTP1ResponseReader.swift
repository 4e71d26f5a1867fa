/// Follows the response to one request on a client connection: interim (1xx) heads skipped,
/// the final head parsed, its body followed to the end so that the connection can carry the
/// next request. For a client that needs the status and not the body (a span reporter).
///
/// Only the head is buffered; body bytes are counted off as they arrive.
public struct HTTP1ResponseReader: Sendable {
    /// Where reading stands after the bytes given so far.
    public enum Progress: Hashable, Sendable {
        case needMore
        /// The response has ended; `reusable` says whether the connection may carry another
        /// request (the server keeps it open and sent nothing after the response).
        case complete(status: Int, reusable: Bool)
    }

    private var head: [UInt8] = []
    private var searched = 0
    private var body: HTTP1BodyScanner?
    private var status = 0
    private var keepAlive = false
    private let requestWasHEAD: Bool
    private let maxHeadBytes: Int

    /// Whether any byte of a response has arrived (a connection closed before that one did
    /// was stale, and the request may be sent again on a new one).
    public private(set) var receivedAny = false

    public init(requestWasHEAD: Bool = false, maxHeadBytes: Int = 64 * 1024) {
        self.requestWasHEAD = requestWasHEAD
        self.maxHeadBytes = maxHeadBytes
    }

    /// Takes the next bytes read off the connection.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(HTTP1ParseError) -> Progress {
        if !bytes.isEmpty { receivedAny = true }
        if var scanner = body {
            let consumed = try scanner.scan(bytes)
            body = scanner
            guard scanner.isComplete else { return .needMore }
            return .complete(status: status, reusable: keepAlive && consumed == bytes.count)
        }
        head.append(contentsOf: bytes)
        while true {
            let found = head.withUnsafeBytes { HTTP1HeadParser.headLength(in: $0, from: searched) }
            guard let length = found else {
                guard head.count <= maxHeadBytes else { throw HTTP1ParseError(.headTooLarge(limit: maxHeadBytes)) }
                searched = max(0, head.count - 3)
                return .needMore
            }
            let parsed = try HTTP1HeadParser.response(Array(head[..<length]))
            head.removeFirst(length)
            searched = 0
            // An interim head: the next head follows (maybe already here).
            if parsed.isInterim { continue }
            status = parsed.status
            keepAlive = parsed.keepAlive
            var scanner = HTTP1BodyScanner(try HTTP1BodyLength.of(parsed, requestWasHEAD: requestWasHEAD))
            let after = head
            head = []
            let scanned = after.withUnsafeBytes { raw in
                Result { () throws(HTTP1ParseError) in try scanner.scan(raw) }
            }
            let consumed = try scanned.get()
            body = scanner
            guard scanner.isComplete else { return .needMore }
            return .complete(status: status, reusable: keepAlive && consumed == after.count)
        }
    }

    /// The connection closed: the response is complete when its body ends at the close,
    /// otherwise it was cut short (nil).
    public func connectionClosed() -> Progress? {
        guard let body, body.endsAtClose else { return nil }
        return .complete(status: status, reusable: false)
    }
}
