import Foundation
import ScenarioModel
import Synchronization

/// Shows the traffic's progress: a redrawn bar on a terminal, a plain line every 10 % when
/// the output is a file or a CI log (no escape codes there).
public final class ProgressReporter: Sendable {
    public enum Style: Sendable {
        case bar
        case lines
        case silent
    }

    struct State {
        var total: Int?
        var done = 0
        var errors = 0
        var lastLineTenth = -1
    }

    let style: Style
    let label: String
    let write: @Sendable (String) -> Void
    let state = Mutex(State())

    public init(style: Style, label: String, write: @escaping @Sendable (String) -> Void = { text in
        FileHandle.standardError.write(Data(text.utf8))
    }) {
        self.style = style
        self.label = label
        self.write = write
    }

    /// A bar when standard error is a terminal, lines otherwise.
    public static func automatic(label: String) -> ProgressReporter {
        ProgressReporter(style: isatty(STDERR_FILENO) == 1 ? .bar : .lines, label: label)
    }

    func start(total: Int?) {
        state.withLock { $0 = State(total: total) }
    }

    func advance(record: RecordedRequest) {
        let output: String? = state.withLock { state in
            state.done += 1
            if record.isError { state.errors += 1 }
            switch style {
            case .silent:
                return nil
            case .bar:
                guard let total = state.total, total > 0 else {
                    return "\r  \(label): \(state.done) requests, \(state.errors) errors"
                }
                let width = 30
                let filled = state.done * width / total
                return "\r  \(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(state.done)/\(total)"
                    + (state.errors > 0 ? " (\(state.errors) errors)" : "")
            case .lines:
                guard let total = state.total, total > 0 else {
                    return state.done % 50 == 0 ? "  \(label): \(state.done) requests sent\n" : nil
                }
                let tenth = state.done * 10 / total
                guard tenth > state.lastLineTenth, tenth % 5 == 0 || state.done == total else { return nil }
                state.lastLineTenth = tenth
                return "  \(label): \(state.done)/\(total) requests\(state.errors > 0 ? ", \(state.errors) errors" : "")\n"
            }
        }
        if let output { write(output) }
    }

    func finish() {
        if case .bar = style { write("\n") }
    }
}
