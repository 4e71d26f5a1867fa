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
        freeBlock(count: count, attempts: attempts, ephemeralStart: ephemeralRange()?.lowerBound ?? 32768,
                  isFree: { port in !handedOut.withLock { $0.contains { $0.contains(port) } } && isFree(host: host, port: port) },
                  claim: { block in
                      handedOut.withLock { blocks in
                          guard !blocks.contains(where: { $0.overlaps(block) }) else { return false }
                          blocks.append(block)
                          return true
                      }
                  })
    }

    /// `freeBlock` with the probe given, so tests decide which ports are taken (a real port can
    /// be taken by any process between a probe and a second look). `claim` gets the block last
    /// and may still refuse it.
    static func freeBlock(count: Int, attempts: Int, ephemeralStart: Int, isFree: (Int) -> Bool,
                          claim: (Range<Int>) -> Bool = { _ in true }) -> Int? {
        let lowest = 20000
        let highest = max(lowest, ephemeralStart - count - 1)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<attempts {
            let base = Int.random(in: lowest...highest, using: &generator)
            let block = base..<(base + count)
            if block.allSatisfy(isFree), claim(block) { return base }
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
        let descriptor = socket(host.contains(":") ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard withAddress(host: host, port: port, { systemBind(descriptor, $0, $1) }) == 0 else { return nil }
        // A bind is not a listen: check listen too, which fails where another socket listens
        // with SO_REUSEADDR on the same address.
        return listen(descriptor, 1) == 0 ? port : nil
    }

    /// `host:port` as a socket address for `body`: an IPv6 literal, or an IPv4 one
    /// (`localhost` is 127.0.0.1). Nil when `host` is neither.
    private static func withAddress<Result>(host: String, port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result? {
        if host.contains(":") {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { return nil }
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else { return nil }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}

extension PortProbe {
    /// True when something accepts TCP connections at `host:port` now (a user's app the lab
    /// forwards to, or one it started). IPv4 and IPv6 literals and `localhost`; a connect that
    /// neither succeeds nor fails within a second counts as no.
    public static func accepts(host: String, port: Int) -> Bool {
        let descriptor = socket(host.contains(":") ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return withAddress(host: host, port: port, { connect(descriptor, $0, $1) }) == 0
    }
}

private func systemBind(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    #if canImport(Glibc)
    Glibc.bind(descriptor, address, length)
    #else
    Darwin.bind(descriptor, address, length)
    #endif
}
