import Foundation
import ScenarioModel

/// Reads scenario files from disk (ScenarioModel itself stays free of file IO).
public enum ScenarioFileLoader {
    /// Loads every file; a directory stands for its `*.yaml` files in name order.
    public static func load(paths: [String]) throws(ScenarioError) -> [ScenarioDefinition] {
        var result: [ScenarioDefinition] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                    .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                for name in names { result.append(try load(path: (path as NSString).appendingPathComponent(name))) }
            } else {
                result.append(try load(path: path))
            }
        }
        return result
    }

    public static func load(path: String) throws(ScenarioError) -> ScenarioDefinition {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioError(.unreadable(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"), file: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(.unreadable("not UTF-8 text"), file: path)
        }
        var definition = try ScenarioLoader.parse(yaml: text, file: path)
        // A lesson's `replace: … cmd:` runs where the file is, so its relative paths hold
        // wherever `tracelab run` is started (as relative paths in a compose file do).
        let directory = ((path as NSString).deletingLastPathComponent as NSString).standardizingPath
        let absolute = directory.hasPrefix("/") ? directory
            : ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(directory) as NSString).standardizingPath
        for instance in definition.setup.replacements.keys {
            definition.setup.replacementDirectories[instance] = absolute
        }
        return definition
    }
}
