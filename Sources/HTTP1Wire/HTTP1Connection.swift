/// The `Connection` header's rules for keeping a connection open (RFC 9112 §9.3).
enum HTTP1Connection {
    static func keepAlive(minorVersion: Int, fields: HTTP1Fields) -> Bool {
        guard fields.contains(.connection) else { return minorVersion >= 1 }
        var close = false
        var keepAlive = false
        fields.forEachToken(of: .connection) { token in
            if fields.token(token, is: "close") { close = true }
            if fields.token(token, is: "keep-alive") { keepAlive = true }
            return true
        }
        if close { return false }
        return minorVersion >= 1 || keepAlive
    }
}
