import Hummingbird
import NIOCore

/// Hummingbird's request context plus the peer address, which the admin routes need to
/// accept loopback callers only.
public struct LabRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// True for 127.0.0.0/8, ::1 and IPv4-mapped loopback; false when the peer is unknown.
    public var isLoopbackPeer: Bool {
        guard let address = remoteAddress?.ipAddress else { return false }
        return address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }
}
