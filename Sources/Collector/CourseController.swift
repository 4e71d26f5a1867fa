import Foundation
import Hummingbird
import ScenarioModel

/// `GET /api/tracelab/course`: the workshop's lessons (`--course-dir`, every `*.yaml`) with the
/// last result `tracelab run` saved for each (`--course-results`), as `CourseDocument`.
///
/// The files are read on every request, so a lesson edited or run while the collector runs
/// shows up on the next reload. A missing results file means nothing has run yet; a malformed
/// lesson or results file is reported inside the document (the lesson listed with its error),
/// never as a failed request: the rest of the course stays readable.
struct CourseController: Sendable {
    let courseDirectory: String?
    let resultsFile: String?

    /// Larger lesson or results files are not read (a results file of a long course is ~1 MB).
    static let maximumFileBytes = 32 << 20

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/api/tracelab/course") { _, _ in
            JSONResponse.encodable(document())
        }
    }

    func document() -> CourseDocument {
        CourseDocument.build(courseDirectory: courseDirectory, lessons: lessonSources(), results: resultsSource())
    }

    func lessonSources() -> [CourseDocument.LessonSource] {
        guard let courseDirectory else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: courseDirectory)
        } catch {
            return [.init(file: courseDirectory, text: nil, problem: "cannot list the course directory (\(error.localizedDescription))")]
        }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { name in
            let path = (courseDirectory as NSString).appendingPathComponent(name)
            switch Self.read(path) {
            case .success(let bytes): return .init(file: path, text: String(decoding: bytes, as: UTF8.self))
            case .failure(let problem): return .init(file: path, text: nil, problem: problem.text)
            }
        }
    }

    func resultsSource() -> CourseDocument.ResultsSource {
        guard let resultsFile else { return .none }
        guard FileManager.default.fileExists(atPath: resultsFile) else { return .missing(path: resultsFile) }
        switch Self.read(resultsFile) {
        case .success(let bytes): return .contents(path: resultsFile, bytes: bytes)
        case .failure(let problem): return .unreadable(path: resultsFile, problem: problem.text)
        }
    }

    struct ReadProblem: Error {
        var text: String
    }

    static func read(_ path: String) -> Result<[UInt8], ReadProblem> {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return .failure(ReadProblem(text: "cannot open it (missing, or not readable by this user)"))
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: maximumFileBytes + 1) ?? Data()
            guard data.count <= maximumFileBytes else { return .failure(ReadProblem(text: "larger than \(maximumFileBytes) bytes")) }
            return .success([UInt8](data))
        } catch {
            return .failure(ReadProblem(text: error.localizedDescription))
        }
    }
}
