import Foundation

/// Reads what Linux's /proc says about a process; nil where /proc does not exist (macOS).
public enum ProcFS {
    /// Resident set size in bytes (`VmRSS` of /proc/PID/status).
    public static func residentBytes(pid: Int32) -> UInt64? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 2, let kilobytes = UInt64(fields[1]) { return kilobytes * 1024 }
        }
        return nil
    }

    /// Proportional set size in bytes (`Pss` of /proc/PID/smaps_rollup): shared pages (the
    /// one `tracelab` binary every lab process maps) divided among the processes sharing them,
    /// so a sum over the lab is the memory it really takes; a sum of RSS counts the binary
    /// once per process.
    public static func proportionalBytes(pid: Int32) -> UInt64? {
        guard let rollup = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else { return nil }
        for line in rollup.split(separator: "\n") where line.hasPrefix("Pss:") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 2, let kilobytes = UInt64(fields[1]) { return kilobytes * 1024 }
        }
        return nil
    }

    /// The command line of a process (argv), or nil if it is gone.
    public static func commandLine(pid: Int32) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
        return data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
    }

    /// The one-letter state of /proc/PID/stat (`R`, `S`, `Z` …), nil if gone.
    public static func state(pid: Int32) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].first { $0 != " " }
    }

    /// The process group (field 5 of /proc/PID/stat), nil if it is gone.
    public static func processGroup(pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 2 ? Int32(fields[2]) : nil
    }

    /// User plus system CPU time the process has used, in seconds (fields 14 and 15 of
    /// /proc/PID/stat, in clock ticks); nil if it is gone.
    public static func cpuSeconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After the command name: state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) / (ticks > 0 ? ticks : 100)
    }

    /// Open file descriptors of the process (entries of /proc/PID/fd); nil if unreadable.
    public static func openFileDescriptors(pid: Int32) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

    /// The running binary, as the kernel knows it.
    public static func selfExecutable() -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }
}
