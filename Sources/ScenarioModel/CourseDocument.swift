import Foundation

/// The workshop course as the collector's course page shows it (`GET /api/tracelab/course`):
/// every lesson of the scenarios directory with its text, and the last result `tracelab run`
/// saved for it (`.tracelab/runs/last.json`, the `--report json` document).
///
/// Built from file contents only, so it is tested without a file system; the collector reads
/// the files. A lesson file that does not parse is listed with the parser's message, a results
/// file that does not decode leaves every lesson without a result and says why: one bad file
/// never hides the rest of the course.
public struct CourseDocument: Encodable, Sendable, Hashable {
    /// A lesson file as read from disk.
    public struct LessonSource: Sendable, Hashable {
        /// The file's path, as reports name it (`scenarios/03-reviews-forgets-b3.yaml`).
        public var file: String
        /// Its text; nil when it could not be read (then `problem` says why).
        public var text: String?
        public var problem: String?

        public init(file: String, text: String?, problem: String? = nil) {
            self.file = file
            self.text = text
            self.problem = problem
        }
    }

    /// The results file as read from disk.
    public enum ResultsSource: Sendable, Hashable {
        /// No results file configured.
        case none
        /// Configured but absent: no lesson has run on this lab yet.
        case missing(path: String)
        case unreadable(path: String, problem: String)
        case contents(path: String, bytes: [UInt8])
    }

    /// One lesson: its text, or why its file is broken, and its last result.
    public struct Entry: Encodable, Sendable, Hashable {
        /// The file name (`03-reviews-forgets-b3.yaml`).
        public var file: String
        /// The scenario's `name`; nil when the file did not parse.
        public var name: String?
        public var lab: String?
        public var title: String
        public var shows: String?
        public var lookAt: String?
        public var tryNext: String?
        /// The parser's message (file, line, field) when the file is malformed.
        public var error: String?
        /// The last run's outcome; nil when it has not run on this lab.
        public var result: ScenarioOutcome?
    }

    public var lessons: [Entry]
    /// The scenarios directory the collector reads (nil: the course is not configured).
    public var courseDirectory: String?
    /// The results file the collector reads.
    public var resultsFile: String?
    /// Why the results file could not be used (unreadable, not a run report); nil otherwise.
    public var resultsError: String?
    /// Results of scenarios that are not among the lessons (a file run from elsewhere).
    public var otherResults: [ScenarioOutcome]

    /// The course from `lessons` (in file-name order) and the results file.
    public static func build(courseDirectory: String?, lessons sources: [LessonSource], results: ResultsSource) -> CourseDocument {
        var outcomes: [ScenarioOutcome] = []
        var resultsFile: String?
        var resultsError: String?
        switch results {
        case .none:
            break
        case .missing(let path):
            resultsFile = path
        case .unreadable(let path, let problem):
            resultsFile = path
            resultsError = "cannot read \(path): \(problem)"
        case .contents(let path, let bytes):
            resultsFile = path
            do {
                outcomes = try JSONDecoder().decode(ScenarioRunReport.self, from: Data(bytes)).scenarios
            } catch {
                resultsError = "\(path) is not a `tracelab run --report json` document (\(describe(error))); run the lessons again to rewrite it"
            }
        }
        var entries: [Entry] = []
        var used: Set<Int> = []
        for source in sources.sorted(by: { fileName($0.file) < fileName($1.file) }) {
            var entry = Entry(file: fileName(source.file), title: fileName(source.file))
            if let text = source.text {
                do {
                    let definition = try ScenarioLoader.parse(yaml: text, file: source.file)
                    entry.name = definition.name
                    entry.lab = definition.lab.rawValue
                    entry.title = definition.lesson.title.isEmpty ? definition.name : definition.lesson.title
                    entry.shows = definition.lesson.shows
                    entry.lookAt = definition.lesson.lookAt
                    entry.tryNext = definition.lesson.tryNext
                } catch {
                    entry.error = error.description
                }
            } else {
                entry.error = "cannot read \(source.file): \(source.problem ?? "unknown error")"
            }
            // By scenario name; a file that no longer parses still finds its result by file name.
            let match = outcomes.indices.last { index in
                guard !used.contains(index) else { return false }
                if let name = entry.name { return outcomes[index].name == name }
                return fileName(outcomes[index].file) == entry.file
            }
            if let match {
                used.insert(match)
                entry.result = outcomes[match]
            }
            entries.append(entry)
        }
        let others = outcomes.indices.filter { !used.contains($0) }.map { outcomes[$0] }
        return CourseDocument(lessons: entries, courseDirectory: courseDirectory, resultsFile: resultsFile,
                              resultsError: resultsError, otherResults: others)
    }

    /// `scenarios/03-x.yaml` → `03-x.yaml`.
    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// A decoding error in one line: the field path and what was wrong.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "" : " at \(text.hasPrefix(".") ? String(text.dropFirst()) : text)"
        }
        switch error {
        case .dataCorrupted(let context): return "invalid JSON\(path(context))"
        case .keyNotFound(let key, let context): return "missing '\(key.stringValue)'\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(context.debugDescription)\(path(context))"
        @unknown default: return "\(error)"
        }
    }
}
