import AsyncHTTPClient
import Foundation
import Lab
import LabModel
import Logging
import ScenarioModel

/// The lab options a scenario asks for: which lab, the sidecars' propagation formats, app
/// spans. A lab `tracelab run` starts itself is started with them (scenarios with equal
/// requirements share it); a running lab gets the formats and app spans switched at run time.
public struct LabRequirements: Hashable, Sendable, CustomStringConvertible {
    public var lab: LabName
    public var sidecarPropagation: String?
    public var appSpans: Bool

    /// The proxy's own default `--propagation`.
    public static let defaultSidecarPropagation = "b3multi,b3single,w3c"

    public init(_ scenario: ScenarioDefinition) {
        lab = scenario.lab
        sidecarPropagation = scenario.setup.sidecarPropagation
        appSpans = scenario.setup.appSpans
    }

    public init(lab: LabName, sidecarPropagation: String? = nil, appSpans: Bool = false) {
        self.lab = lab
        self.sidecarPropagation = sidecarPropagation
        self.appSpans = appSpans
    }

    public var description: String {
        var parts = ["--lab \(lab)"]
        if let sidecarPropagation { parts.append("sidecar --propagation \(sidecarPropagation)") }
        if appSpans { parts.append("--app-spans") }
        return parts.joined(separator: ", ")
    }

    /// Why the running lab `state` cannot run this scenario, nil when it can. Sidecar formats
    /// and app spans are switched at run time (`SetupApplier`), so only the lab itself counts.
    /// `remedy` is the target's own way to get the lab (`tracelab up --lab …` or compose's).
    public func mismatch(with state: LabState, remedy: String? = nil) -> String? {
        guard state.lab.labs.contains(lab) else {
            return "the running lab is '\(state.lab)', this scenario needs the \(lab) lab; "
                + (remedy ?? "stop it with `tracelab down` and start `tracelab up --lab \(lab)` (or `--lab all`), or let `tracelab run` start one")
        }
        return nil
    }

    public func configuration() -> LabConfiguration {
        LabConfiguration(selection: lab == .bookinfo ? .bookinfo : .chain, appSpans: appSpans, proxyPropagation: sidecarPropagation)
    }
}

/// Starting a lab for a run and turning a lab's state into a `LabTarget`.
public enum LabSession {
    /// Starts a lab meeting `requirements` in `directory`, on the default ports or, with
    /// `freePorts`, on a free block (tests, or beside another lab).
    /// `executable` is the `tracelab` binary (default: this process's own).
    public static func start(_ requirements: LabRequirements, directory: String, freePorts: Bool, executable: String? = nil,
                             logger: Logger) async throws(ScenarioRunError) -> RunningLab {
        var lab = requirements.configuration()
        if freePorts {
            guard let moved = LabRunnerConfiguration.onFreePorts(lab) else {
                throw ScenarioRunError(.lab("no free block of ports on \(lab.host) for the lab"))
            }
            lab = moved
        }
        let binary: String
        if let executable {
            binary = executable
        } else {
            do {
                binary = try LabRunnerConfiguration.currentExecutable()
            } catch {
                throw ScenarioRunError(.lab(error.description))
            }
        }
        let configuration = LabRunnerConfiguration(lab: lab, executable: binary, directory: directory, detached: true)
        do {
            return try await LabRunner.start(configuration: configuration, logger: logger)
        } catch {
            throw ScenarioRunError(.lab("starting the lab failed: \(error)"))
        }
    }

    /// The target of a lab described by its state (lab.json).
    public static func target(_ state: LabState, backend: (any TraceBackend)? = nil) -> LabTarget {
        var entries: [LabName: String] = [:]
        for entry in state.entries {
            entries[entry.lab] = baseURL(of: entry.url)
        }
        let chosen = backend ?? TraceBackendAddress(kind: .zipkin, baseURL: trimmed(state.collectorURL)).makeBackend()
        return LabTarget(entries: entries, backend: chosen, uiURL: trimmed(state.uiURL), state: state)
    }

    /// `http://host:port` of an entry URL such as `http://127.0.0.1:9080/productpage`.
    public static func baseURL(of url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        return String(url[..<scheme.upperBound]) + authority
    }

    static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// Reads a lab.json-shaped file.
    public static func loadState(path: String) throws(ScenarioRunError) -> LabState {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioRunError(.lab("cannot read \(path); start a lab with `tracelab up --detach` or give --entry and --collector"))
        }
        do {
            return try JSONDecoder().decode(LabState.self, from: data)
        } catch {
            throw ScenarioRunError(.lab("\(path) is not a lab state file: \(error)"))
        }
    }
}
