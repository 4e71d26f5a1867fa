/// The `Connection` header's rules for keeping a connection open (RFC 9112 §9.3).
enum HTTP1Connection {
    static func keepAlive(minorVersion: Int, fields: HTTP1Fields) -> Bool {
        guard fields.firstIndex("connection") != nil else { return minorVersion >= 1 }
        let tokens = fields.tokens("connection")
        if tokens.contains("close") { return false }
        return minorVersion >= 1 || tokens.contains("keep-alive")
    }
}
