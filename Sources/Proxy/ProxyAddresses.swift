import ProxyCore

/// The addresses a started proxy listens on (ports resolved when 0 was asked for).
public struct ProxyAddresses: Hashable, Sendable {
    public var inbound: HostPort
    public var outbound: HostPort?
    public var admin: HostPort?
}
