import StandardErrorLogging
import ArgumentParser
import Foundation
import Lab
import Logging
import Scenario
import ScenarioModel

/// `tracelab demo`: the README's first command. Starts the bookinfo lab, runs a short tour
/// (a happy path, then a service that forgets the B3 headers), shows one good and one broken
/// trace as waterfalls and the UI URL, and stops the lab unless `--keep`.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start the lab, run a short tour (happy path, broken propagation) and show good and broken traces."
    )

    @Flag(help: "Leave the lab running afterwards, to explore the traces in the UI (`tracelab down` stops it).")
    var keep = false

    @Flag(help: "Use a free block of ports instead of the defaults (9080, 9411, 15000…).")
    var freePorts = false

    func run() async throws {
        StandardErrorLogging.bootstrap(level: .error)
        let logger = Logger(label: "tracelab.demo")
        let colour = isatty(STDOUT_FILENO) == 1
        let scenarios: [ScenarioDefinition]
        do {
            scenarios = try DemoTour.scenarios()
        } catch {
            fail("the built-in tour does not parse: \(error)")
        }
        let directory = FileManager.default.currentDirectoryPath
        print("Starting the bookinfo lab (collector, 6 services, 6 sidecars)…")
        let running: RunningLab
        do {
            running = try await LabSession.start(DemoTour.requirements, directory: directory, freePorts: freePorts, logger: logger)
        } catch {
            fail("\(error)\nIf another lab runs here, stop it with `tracelab down`, or try `tracelab demo --free-ports`.")
        }
        let target = LabSession.target(running.state)
        print("Lab up in \(running.state.startupMilliseconds) ms. Entry: \(running.state.entryURL(of: .bookinfo) ?? "?")\n")
        let runner = ScenarioRunner(target: target, options: .init(seed: UInt64.random(in: 1...UInt64.max), waterfallWidth: RunCommand.terminalWidth()), logger: logger)
        let renderer = TextReportRenderer(colour: colour, verbose: false, uiURL: nil)
        var outcomes: [ScenarioOutcome] = []
        for scenario in scenarios {
            print("▶ \(scenario.lesson.title)")
            let outcome = await runner.run(scenario)
            outcomes.append(outcome)
            print(renderer.render(outcome) + "\n")
        }
        if let good = outcomes.first?.goodTrace {
            print("A complete trace (\(good.traceID)): every hop joined, one root.")
            print(renderer.indent(good.waterfall))
        }
        if let broken = outcomes.dropFirst().first?.brokenTrace {
            print("A broken trace (\(broken.traceID)): \(broken.why)")
            print(renderer.indent(broken.waterfall))
        }
        let ui = target.uiURL ?? running.state.uiURL
        print(TextReportRenderer(colour: colour, uiURL: nil).render(outcomes).split(separator: "\n").last.map(String.init) ?? "")
        if keep {
            print("The lab keeps running. Open the UI: \(ui)  — stop it with `tracelab down`.")
        } else {
            await running.stop()
            print("UI (while a lab runs): \(ui). Run `tracelab demo --keep` to explore these traces in the browser.")
        }
        if !outcomes.allSatisfy(\.passed) {
            print("The tour did not go as expected; the lines above say which check failed and where.")
            throw ExitCode(outcomes.contains { $0.error != nil } ? 2 : 1)
        }
    }

    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("tracelab demo: \(message)\n".utf8))
        DemoCommand.exit(withError: ExitCode(2))
    }
}
