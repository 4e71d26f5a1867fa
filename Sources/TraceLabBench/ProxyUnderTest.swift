/// Which sidecar `tracelab bench proxy` measures. The lean `tracelab-proxy` executable, when it
/// was built next to this `tracelab` and is not older than it: its RSS is the sidecar's own
/// (issue 25's ≤ 16 MB is about that). Otherwise `tracelab proxy`, the same sidecar whose pages
/// also hold every other role's code; the note says so and how to build the lean one.
public struct ProxyUnderTest: Hashable, Sendable {
    /// What the benchmark script runs (`TRACELAB_PROXY`).
    public let command: String
    /// Why it is not the lean executable, for the user; nil when it is.
    public let note: String?

    /// - Parameter modificationTime: a file's modification time in seconds, nil when it is
    ///   not an executable file.
    public static func choose(tracelabExecutable: String, modificationTime: (String) -> Double?) -> ProxyUnderTest {
        let directory = tracelabExecutable.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let lean = (directory.isEmpty ? "" : directory + "/") + "tracelab-proxy"
        let fallback = "\(tracelabExecutable) proxy"
        let build = "swift build -c release --product tracelab-proxy"
        guard let leanTime = modificationTime(lean) else {
            return ProxyUnderTest(
                command: fallback,
                note: "measuring `tracelab proxy`, whose RSS includes every role's code; `\(build)` builds the sidecar's own executable, which this command then measures"
            )
        }
        if let tracelabTime = modificationTime(tracelabExecutable), leanTime < tracelabTime {
            return ProxyUnderTest(
                command: fallback,
                note: "\(lean) is older than this tracelab (a stale build?); measuring `tracelab proxy` instead — `\(build)` brings it up to date"
            )
        }
        return ProxyUnderTest(command: lean, note: nil)
    }
}
