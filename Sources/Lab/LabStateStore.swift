import Foundation
import LabModel

/// Reads and writes `.tracelab/lab.json` in a lab directory. Writes are atomic (temporary
/// file then rename), so `status` never reads half a file.
public enum LabStateStore {
    public static func statePath(in directory: String) -> String {
        (directory as NSString).appendingPathComponent(LabState.path)
    }

    public static func logsPath(in directory: String) -> String {
        (directory as NSString).appendingPathComponent(LabState.logsDirectory)
    }

    /// The saved state, or nil when no lab was started here.
    public static func load(from directory: String) throws(LabError) -> LabState? {
        let path = statePath(in: directory)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode(LabState.self, from: data)
        } catch {
            throw LabError(.stateUnreadable(path: path, detail: "\(error)"))
        }
    }

    public static func save(_ state: LabState, in directory: String) throws(LabError) {
        let path = statePath(in: directory)
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(state).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw LabError(.stateUnwritable(path: path, detail: "\(error)"))
        }
    }

    public static func remove(from directory: String) {
        try? FileManager.default.removeItem(atPath: statePath(in: directory))
    }
}
