import StandardErrorLogging
import ArgumentParser
import Foundation
import Lab
import LabModel
import Logging
import Scenario
import ScenarioModel

/// `tracelab run`: drive a scenario's traffic through a lab and prove each trace complete, or
/// broken exactly where the lesson says. Exit codes: 0 all passed, 1 an assertion failed,
/// 2 usage, scenario file or lab errors.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenario files against a lab and verify every trace.",
        discussion: """
        Without a running lab (no .tracelab/lab.json) it starts one for the run and stops it after.
        Exit codes: 0 all passed, 1 an assertion failed, 2 usage, scenario file or lab error.
        Scenario files are documented in scenarios/README.md.
        """
    )

    @Argument(help: "Scenario files (or directories of them).")
    var scenarios: [String]

    @Option(name: .customLong("lab-url-from"), help: "Read the lab's URLs and admin APIs from this lab.json.")
    var labURLFrom: String?

    @Option(help: "Entry URL of the lab (http://127.0.0.1:9080), or LAB=URL (bookinfo=…, chain=…); repeatable.")
    var entry: [String] = []

    @Option(help: "Collector base URL (http://127.0.0.1:9411); read traces from its Zipkin API.")
    var collector: String?

    @Option(help: "Where to read traces: zipkin:URL or jaeger:URL.")
    var backend: String?

    @Option(help: "local (default) or compose (reads compose/lab.json when present, else the default ports).")
    var target: String = "local"

    @Option(help: "text, json or junit.")
    var report: String = "text"

    @Option(help: "Write the report to this file instead of standard output.")
    var out: String?

    @Option(help: "Seed for request ids and injected trace contexts (default: a new one each run, so a rerun on the same lab starts new traces; the JSON report gives it).")
    var seed: UInt64?

    @Option(help: "Longest wait for the expected spans, in seconds.")
    var waitSeconds: Int = 30

    @Flag(help: "Start the run's own lab on free ports instead of the default ones.")
    var freePorts = false

    @Option(
        name: .customLong("replace"),
        help: ArgumentHelp(
            "Run the lessons with your own app in place of a lab instance: INSTANCE=HOST:PORT or 'INSTANCE=cmd:COMMAND' (started per lesson with PORT, TRACELAB_OUTBOUND, OTEL_* set); repeatable; local labs only. See docs/BYO.md.",
            valueName: "instance=app"
        )
    )
    var replace: [String] = []

    @Flag(help: "More detail: debug logs, missing spans, a complete trace's waterfall.")
    var verbose = false

    @Flag(name: .customLong("check-ui-verdicts"),
          help: "Also ask TraceLab's collector for its verdict of every judged trace (what the web UI shows); a verdict that differs from the verifier's fails the scenario.")
    var checkUIVerdicts = false

    mutating func run() async throws {
        do {
            try await runScenarios()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("tracelab run: \(failure)\n".utf8))
            throw ExitCode(2)
        }
    }

    mutating func runScenarios() async throws {
        let verbose = self.verbose
        StandardErrorLogging.bootstrap(level: verbose ? .debug : .warning)
        let logger = Logger(label: "tracelab.run")
        guard let format = ScenarioReportFormat(rawValue: report) else {
            throw CommandFailure.usage("--report must be text, json or junit, not '\(report)'")
        }
        var definitions: [ScenarioDefinition]
        do {
            definitions = try ScenarioFileLoader.load(paths: scenarios)
        } catch {
            throw CommandFailure.usage(error.description)
        }
        guard !definitions.isEmpty else { throw CommandFailure.usage("no scenario files in \(scenarios.joined(separator: ", "))") }
        let replacements: [AppReplacement]
        do {
            replacements = Array(try AppReplacement.byNode(try replace.map { value throws(LabModelError) in try AppReplacement(parsing: value) }).values)
        } catch {
            throw CommandFailure.usage(error.description)
        }
        if let unused = replacements.first(where: { replacement in !definitions.contains { $0.lab == replacement.instance.service.lab } }) {
            throw CommandFailure.usage("--replace \(unused): no scenario given runs the \(unused.instance.service.lab) lab")
        }
        // The user's apps stand in for the instances in every lesson of their lab, over the
        // lesson's own `replace:`.
        definitions = definitions.map { definition in
            var replaced = definition
            for replacement in replacements where replacement.instance.service.lab == definition.lab {
                replaced.setup.replacements[replacement.instance] = replacement.source
                replaced.setup.replacementDirectories[replacement.instance] = nil
            }
            return replaced
        }

        var options = ScenarioRunner.Options(seed: seed ?? UInt64.random(in: 1...UInt64.max), wait: .init(deadline: .seconds(max(1, waitSeconds))),
                                             waterfallWidth: Self.terminalWidth())
        options.checkCollectorVerdicts = checkUIVerdicts
        if checkUIVerdicts, backend != nil {
            throw CommandFailure.usage("--check-ui-verdicts compares with TraceLab's collector; drop --backend (or give --collector URL)")
        }
        // Where the course page of a local lab's collector reads the last results (nil: no such lab).
        var resultsPath: String?
        let colour = format == .text && out == nil && isatty(STDOUT_FILENO) == 1
        let renderer = TextReportRenderer(colour: colour, verbose: verbose)
        let live = format == .text && out == nil
        var outcomes: [ScenarioOutcome] = []
        var uiURL: String?
        let record: (ScenarioOutcome) -> Void = { outcome in
            outcomes.append(outcome)
            if live { print(renderer.render(outcome) + "\n") }
        }

        let chosenBackend: (any TraceBackend)?
        do {
            chosenBackend = try backend.map { try TraceBackendAddress.parse($0).makeBackend() }
        } catch {
            throw CommandFailure.usage("--backend: \(error)")
        }
        let directory = FileManager.default.currentDirectoryPath

        if !entry.isEmpty || collector != nil || (target == "compose" && !FileManager.default.fileExists(atPath: "compose/lab.json")) {
            let labTarget = try urlTarget(backend: chosenBackend)
            uiURL = labTarget.uiURL
            let runner = ScenarioRunner(target: labTarget, options: options, logger: logger)
            for definition in definitions { record(await runner.run(definition)) }
        } else if let statePath = labURLFrom ?? (target == "compose" ? "compose/lab.json" : nil)
                    ?? (FileManager.default.fileExists(atPath: LabStateStore.statePath(in: directory)) ? LabStateStore.statePath(in: directory) : nil) {
            let state: LabState
            do {
                state = try LabSession.loadState(path: statePath)
            } catch {
                throw CommandFailure.lab(error.description)
            }
            var labTarget = LabSession.target(state, backend: chosenBackend)
            let composeFile = "compose/docker-compose.yaml"
            let remedy: String?
            if target == "compose" {
                labTarget.collectorControl = .compose(file: composeFile, service: "collector")
                remedy = "the compose lab runs both labs: `docker-compose -f \(composeFile) up -d`"
            } else {
                remedy = nil
                // A local lab: .tracelab/lab.json → .tracelab/runs/last.json beside it.
                let labDirectory = ((statePath as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
                resultsPath = (labDirectory as NSString).appendingPathComponent(LabState.lastRunPath)
            }
            uiURL = labTarget.uiURL
            let runner = ScenarioRunner(target: labTarget, options: options, logger: logger)
            for definition in definitions {
                if let problem = LabRequirements(definition).mismatch(with: state, remedy: remedy) {
                    record(ScenarioOutcome(name: definition.name, file: definition.file, lab: definition.lab.rawValue,
                                           lesson: definition.lesson, passed: false, error: problem))
                } else {
                    record(await runner.run(definition))
                }
            }
        } else {
            // No lab: start one per set of lab options, in the order the scenarios first need it.
            var groups: [(LabRequirements, [ScenarioDefinition])] = []
            for definition in definitions {
                let needs = LabRequirements(definition)
                if let index = groups.firstIndex(where: { $0.0 == needs }) { groups[index].1.append(definition) } else { groups.append((needs, [definition])) }
            }
            for (needs, members) in groups {
                if live { print("Starting a lab (\(needs))…") }
                let running: RunningLab
                do {
                    running = try await LabSession.start(needs, directory: directory, freePorts: freePorts, logger: logger)
                } catch {
                    for definition in members {
                        record(ScenarioOutcome(name: definition.name, file: definition.file, lab: definition.lab.rawValue,
                                               lesson: definition.lesson, passed: false, error: error.description))
                    }
                    continue
                }
                let labTarget = LabSession.target(running.state, backend: chosenBackend)
                uiURL = labTarget.uiURL
                let runner = ScenarioRunner(target: labTarget, options: options, logger: logger)
                for definition in members { record(await runner.run(definition)) }
                await running.stop()
            }
            // Outcomes in the order of the files given.
            outcomes.sort { lhs, rhs in
                (definitions.firstIndex { $0.name == lhs.name && $0.file == lhs.file } ?? 0) < (definitions.firstIndex { $0.name == rhs.name && $0.file == rhs.file } ?? 0)
            }
        }

        if let resultsPath {
            // Saved whatever --report says, so the UI's course page shows the run's results.
            if let problem = Self.saveResults(outcomes, to: resultsPath) {
                FileHandle.standardError.write(Data("tracelab run: warning: \(problem)\n".utf8))
            }
        }

        let text: String
        if live {
            let summary = TextReportRenderer(colour: colour, verbose: verbose, uiURL: uiURL).render(outcomes)
            // The per-scenario blocks were printed as they finished; keep only the summary lines.
            text = summary.split(separator: "\n", omittingEmptySubsequences: false).suffix(uiURL == nil ? 2 : 3).joined(separator: "\n")
        } else {
            text = ScenarioReport.render(outcomes, format: format, colour: colour, verbose: verbose, uiURL: uiURL)
        }
        if let out {
            do {
                try text.write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure.usage("cannot write the report to \(out): \(error.localizedDescription)")
            }
            let summary = TextReportRenderer(colour: false, verbose: false, uiURL: nil).render(outcomes).split(separator: "\n").last.map(String.init) ?? ""
            FileHandle.standardError.write(Data("\(summary); report written to \(out)\n".utf8))
        } else {
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        }
        let code = ScenarioReport.exitCode(outcomes)
        if code != 0 { throw ExitCode(code) }
    }

    /// A target from --entry/--collector/--backend (compose or remote labs; no admin state).
    func urlTarget(backend chosen: (any TraceBackend)?) throws -> LabTarget {
        var entries: [LabName: String] = [:]
        let defaults: [LabName: String] = [.bookinfo: "http://127.0.0.1:9080", .chain: "http://127.0.0.1:8080"]
        if entry.isEmpty { entries = defaults }
        for value in entry {
            if let equals = value.firstIndex(of: "="), let lab = LabName(rawValue: String(value[..<equals])) {
                entries[lab] = LabSession.baseURL(of: String(value[value.index(after: equals)...]))
            } else {
                guard value.hasPrefix("http://") || value.hasPrefix("https://") else {
                    throw CommandFailure.usage("--entry '\(value)' is not a URL; write http://127.0.0.1:9080 or bookinfo=http://…")
                }
                for lab in LabName.allCases where entries[lab] == nil { entries[lab] = LabSession.baseURL(of: value) }
            }
        }
        let collectorURL = collector ?? "http://127.0.0.1:9411"
        let backend: any TraceBackend
        if let chosen {
            backend = chosen
        } else {
            do {
                backend = try TraceBackendAddress.parse("zipkin:" + collectorURL).makeBackend()
            } catch {
                throw CommandFailure.usage("--collector: \(error)")
            }
        }
        return LabTarget(entries: entries, backend: backend, uiURL: LabSession.baseURL(of: collectorURL))
    }

    /// Merges `outcomes` into the results file (the `--report json` document; each lesson keeps
    /// its newest result) and writes it atomically. Returns why it could not, for a warning: the
    /// run's own report and exit code do not depend on it.
    static func saveResults(_ outcomes: [ScenarioOutcome], to path: String) -> String? {
        var report = ScenarioRunReport(scenarios: [])
        if let data = FileManager.default.contents(atPath: path),
           let previous = try? JSONDecoder().decode(ScenarioRunReport.self, from: data) {
            report = previous
        }
        report = report.merged(with: outcomes)
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(ScenarioReport.json(report).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            return nil
        } catch {
            return "the results for the UI's course page were not saved to \(path): \(error.localizedDescription)"
        }
    }

    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 60 { return min(Int(size.ws_col) - 6, 160) }
        return 100
    }
}

/// A failure that is the user's or the lab's, not an assertion's: printed, exit code 2.
enum CommandFailure: Error, CustomStringConvertible {
    case usage(String)
    case lab(String)

    var description: String {
        switch self {
        case .usage(let text), .lab(let text): text
        }
    }
}
