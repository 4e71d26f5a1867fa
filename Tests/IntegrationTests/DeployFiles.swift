import Foundation
import Yams

/// Reads the repository's deployment files (compose/, deploy/k8s/) for the drift tests.
enum DeployFiles {
    /// The repository root, from this file's place in Tests/IntegrationTests/.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Unreadable: Error, CustomStringConvertible {
        var path: String
        var why: String
        var description: String { "\(path): \(why)" }
    }

    static func text(_ relative: String) throws -> String {
        let url = root.appendingPathComponent(relative)
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw Unreadable(path: url.path, why: "\(error)")
        }
    }

    /// One YAML document as plain dictionaries, arrays and scalars.
    static func yaml(_ relative: String) throws -> [String: Any] {
        guard let value = try Yams.load(yaml: try text(relative)) as? [String: Any] else {
            throw Unreadable(path: relative, why: "not a YAML mapping")
        }
        return value
    }

    /// Every document of a multi-document YAML file.
    static func yamlDocuments(_ relative: String) throws -> [[String: Any]] {
        try Yams.load_all(yaml: try text(relative)).compactMap { $0 as? [String: Any] }
    }

    /// Compose interpolation with the environment unset: `${VAR:-default}` → `default`.
    static func interpolatingDefaults(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            let expression = rest[start.upperBound..<end]
            if let dash = expression.range(of: ":-") {
                result += expression[dash.upperBound...]
            }
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}

extension Dictionary where Key == String, Value == Any {
    func map(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
    func list(_ key: String) -> [Any] { self[key] as? [Any] ?? [] }
    func strings(_ key: String) -> [String] { list(key).map { "\($0)" } }
    func string(_ key: String) -> String? { self[key].map { "\($0)" } }
}
