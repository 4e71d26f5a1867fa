/// A lab instance whose app is the user's own: `--replace INSTANCE=HOST:PORT` (the user runs
/// it) or `--replace 'INSTANCE=cmd:COMMAND'` (the lab starts and stops it). The instance keeps
/// its sidecar, which forwards inbound traffic to the user's app; the app calls other services
/// through that sidecar's outbound listener, as a lab app does.
public struct AppReplacement: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Source: Hashable, Sendable, Codable {
        /// An app the user runs, listening here.
        case address(HostPort)
        /// A shell command the lab runs with the app contract in its environment (`AppContract`).
        case command(String)
    }

    public var instance: ServiceInstance
    public var source: Source

    public init(instance: ServiceInstance, source: Source) {
        self.instance = instance
        self.source = source
    }

    /// Parses `ratings-v1=127.0.0.1:9000` or `reviews-v2=cmd:python3 app.py`.
    public init(parsing text: String) throws(LabModelError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw LabModelError(.invalidReplacement(text, "write INSTANCE=HOST:PORT or 'INSTANCE=cmd:COMMAND'"))
        }
        let name = Self.trimmed(text[..<equals]).lowercased()
        let value = String(text[text.index(after: equals)...])
        guard let instance = ServiceInstance(nodeID: name) else {
            throw LabModelError(.unknownNode(name.isEmpty ? text : name))
        }
        if value.hasPrefix("cmd:") {
            let command = Self.trimmed(value.dropFirst(4))
            guard !command.isEmpty else {
                throw LabModelError(.invalidReplacement(text, "the command after 'cmd:' is empty"))
            }
            self.init(instance: instance, source: .command(command))
        } else {
            do {
                self.init(instance: instance, source: .address(try HostPort(parsing: Self.trimmed(Substring(value)))))
            } catch {
                throw LabModelError(.invalidReplacement(text, "'\(value)' is neither HOST:PORT nor cmd:COMMAND"))
            }
        }
    }

    static func trimmed(_ text: Substring) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// The flag's own spelling, `ratings-v1=cmd:python3 app.py`.
    public var description: String {
        switch source {
        case .address(let address): "\(instance.nodeID)=\(address)"
        case .command(let command): "\(instance.nodeID)=cmd:\(command)"
        }
    }

    /// The replaced apps of several `--replace` flags by node id; one instance named twice is
    /// an error, since only one app can sit behind a sidecar.
    public static func byNode(_ replacements: [AppReplacement]) throws(LabModelError) -> [String: AppReplacement] {
        var result: [String: AppReplacement] = [:]
        for replacement in replacements {
            if let first = result[replacement.instance.nodeID] {
                throw LabModelError(.invalidReplacement(replacement.description, "\(replacement.instance.nodeID) is already replaced by '\(first)'"))
            }
            result[replacement.instance.nodeID] = replacement
        }
        return result
    }
}
