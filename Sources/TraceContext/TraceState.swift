/// W3C `tracestate`: an ordered list of vendor `key=value` members (W3C Trace Context §3.3).
///
/// A proxy keeps it as received and forwards it; it is validated so that a malformed list is
/// dropped rather than passed on.
public struct TraceState: Hashable, Sendable, CustomStringConvertible {
    public static let maximumMembers = 32

    public private(set) var members: [(key: String, value: String)]

    public init() { members = [] }

    /// Parses a list. Empty members (`a=1,,b=2`) and optional whitespace around members are
    /// allowed; an invalid key or value, a repeated key or more than 32 members make the whole
    /// header invalid.
    public init(_ header: String) throws(TraceContextError) {
        var members: [(key: String, value: String)] = []
        for rawMember in header.split(separator: ",", omittingEmptySubsequences: false) {
            let member = rawMember.trimmingOWS()
            if member.isEmpty { continue }
            guard let equals = member.firstIndex(of: "=") else {
                throw TraceContextError(.invalidListMember, field: .tracestate, input: String(member))
            }
            let key = member[member.startIndex..<equals]
            let value = member[member.index(after: equals)...]
            guard TraceState.isValidKey(key), TraceState.isValidValue(value) else {
                throw TraceContextError(.invalidListMember, field: .tracestate, input: String(member))
            }
            if members.contains(where: { $0.key == key }) {
                throw TraceContextError(.invalidListMember, field: .tracestate, input: String(member))
            }
            members.append((key: String(key), value: String(value)))
            if members.count > TraceState.maximumMembers {
                throw TraceContextError(.tooManyListMembers, field: .tracestate, input: header)
            }
        }
        self.members = members
    }

    public var isEmpty: Bool { members.isEmpty }

    /// The value of a vendor's member.
    public subscript(key: String) -> String? {
        members.first { $0.key == key }?.value
    }

    /// Puts a member first (a vendor that updates its entry moves it to the front, §3.5),
    /// dropping the oldest members beyond 32.
    public mutating func update(key: String, value: String) {
        members.removeAll { $0.key == key }
        members.insert((key: key, value: value), at: 0)
        if members.count > TraceState.maximumMembers { members.removeLast(members.count - TraceState.maximumMembers) }
    }

    /// The header value.
    public var headerValue: String {
        members.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    public var description: String { headerValue }

    // key = simple-key / multi-tenant-key
    // simple-key = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
    // multi-tenant-key = tenant-id "@" system-id
    // tenant-id = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
    // system-id = lcalpha 0*13( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
    static func isValidKey(_ key: Substring) -> Bool {
        let bytes = Array(key.utf8)
        guard !bytes.isEmpty, bytes.count <= 256 else { return false }
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            let tenant = bytes[..<at]
            let system = bytes[(at + 1)...]
            guard let tenantFirst = tenant.first, tenant.count <= 241, isLowerAlpha(tenantFirst) || isDigit(tenantFirst),
                  tenant.dropFirst().allSatisfy(isKeyCharacter) else { return false }
            guard let systemFirst = system.first, system.count <= 14, isLowerAlpha(systemFirst),
                  system.dropFirst().allSatisfy(isKeyCharacter) else { return false }
            return true
        }
        return isLowerAlpha(bytes[0]) && bytes.dropFirst().allSatisfy(isKeyCharacter)
    }

    // value = 0*255(chr) nblk-chr ; chr = %x20 / nblk-chr ; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
    static func isValidValue(_ value: Substring) -> Bool {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty, bytes.count <= 256, bytes.last != UInt8(ascii: " ") else { return false }
        return bytes.allSatisfy { byte in
            byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: ",") && byte != UInt8(ascii: "=")
        }
    }

    private static func isLowerAlpha(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isKeyCharacter(_ byte: UInt8) -> Bool {
        isLowerAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "/")
    }

    public static func == (lhs: TraceState, rhs: TraceState) -> Bool {
        lhs.members.count == rhs.members.count && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}

extension Substring {
    /// Drops optional whitespace (space and tab, RFC 9110 OWS) at both ends.
    public func trimmingOWS() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
