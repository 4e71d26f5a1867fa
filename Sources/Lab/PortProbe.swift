#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Finds out whether ports are free by binding them, before the lab starts, so a taken port
/// is reported by number and role instead of as a process dying later.
public enum PortProbe {
    /// True when a listener could bind `host:port` now. SO_REUSEADDR is set, as the servers
    /// set it, so connections lingering in TIME_WAIT do not count as "in use".
    public static func isFree(host: String, port: Int) -> Bool {
        bind(host: host, port: port) != nil
    }

    /// A block of `count` consecutive free ports below the kernel's ephemeral range (so
    /// outgoing connections cannot take them while the lab starts), for tests and for
    /// `--base-port auto`. Nil when none was found in `attempts` tries.
    ///
    /// A block is free when probed but nothing holds it until the lab binds it, so blocks this
    /// process handed out are never handed out again: labs started side by side (the test
    /// suite starts several at once) cannot be given overlapping ports.
    public static func freeBlock(count: Int, host: String = "127.0.0.1", attempts: Int = 64) -> Int? {
        let ephemeralStart = ephemeralRange()?.lowerBound ?? 32768
        let lowest = 20000
        let highest = max(lowest, ephemeralStart - count - 1)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<attempts {
            let base = Int.random(in: lowest...highest, using: &generator)
            let block = base..<(base + count)
            guard !handedOut.withLock({ $0.contains { $0.overlaps(block) } }) else { continue }
            if block.allSatisfy({ isFree(host: host, port: $0) }) {
                let fresh = handedOut.withLock { blocks -> Bool in
                    guard !blocks.contains(where: { $0.overlaps(block) }) else { return false }
                    blocks.append(block)
                    return true
                }
                if fresh { return base }
            }
        }
        return nil
    }

    private static let handedOut = Mutex<[Range<Int>]>([])

    /// /proc/sys/net/ipv4/ip_local_port_range, where Linux has it.
    static func ephemeralRange() -> ClosedRange<Int>? {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8) else { return nil }
        let numbers = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) }
        guard numbers.count == 2, numbers[0] <= numbers[1] else { return nil }
        return numbers[0]...numbers[1]
    }

    /// Binds (and closes) a TCP socket; returns the bound port, nil if the bind failed.
    static func bind(host: String, port: Int) -> Int? {
        let isIPv6 = host.contains(":")
        let descriptor = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { return nil }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemBind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
            return result == 0 && listen(descriptor, 1) == 0 ? port : nil
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let resolved = host == "localhost" ? "127.0.0.1" : host
        guard inet_pton(AF_INET, resolved, &address.sin_addr) == 1 else { return nil }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemBind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { return nil }
        // A bind is not a listen: check listen too, which fails where another socket listens
        // with SO_REUSEADDR on the same address.
        return listen(descriptor, 1) == 0 ? port : nil
    }
}

private func systemBind(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    #if canImport(Glibc)
    Glibc.bind(descriptor, address, length)
    #else
    Darwin.bind(descriptor, address, length)
    #endif
}
