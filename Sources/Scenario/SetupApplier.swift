import Foundation
import Lab
import Logging
import LabModel
import ScenarioModel

/// Applies a scenario's `setup:` through the admin APIs and undoes it afterwards: routes,
/// faults, timeouts and retries on the sidecars that call the service (`PUT
/// /config/routes/{service}`), sampling on every sidecar (`PUT /config/sampling`),
/// the sidecars' propagation formats (`PUT /config/propagation`), propagation bugs on the apps
/// (`POST /admin/propagation`), app spans (`POST /admin/app-spans`), a host's clock offset on
/// its sidecar (`PUT /config/clock`) and app (`POST /admin/clock`). So every lesson runs on a
/// lab that is already up, local or in compose, without restarting a process. Restoring resets
/// each touched sidecar (`POST /config/reset`) and puts each app's previous mode, app-span
/// switch and clock back, even when a step failed half-way.
public struct SetupApplier: Sendable {
    public let admin: AdminClient
    public let target: LabTarget
    public let logger: Logger

    public init(admin: AdminClient, target: LabTarget, logger: Logger = Logger(label: "tracelab.setup")) {
        self.admin = admin
        self.target = target
        self.logger = logger
    }

    /// What `restore` must undo.
    public struct Restoration: Sendable {
        public var sidecars: [String] = []
        public var appModes: [(url: String, mode: String)] = []
        public var appClocks: [(url: String, offset: String)] = []
        public var appSpans: [(url: String, enabled: Bool)] = []
        /// Users' apps started for the lesson (`replace: … cmd:`), stopped with their groups.
        public var userApps: [Int32] = []
        public var isEmpty: Bool { sidecars.isEmpty && appModes.isEmpty && appClocks.isEmpty && appSpans.isEmpty && userApps.isEmpty }
    }

    /// Applies `setup`; on failure restores what was already applied and rethrows.
    public func apply(_ setup: ScenarioSetup, lab: LabName) async throws(ScenarioRunError) -> Restoration {
        var restoration = Restoration()
        let needsAdmin = !setup.routes.isEmpty || !setup.faults.isEmpty || !setup.timeouts.isEmpty || !setup.retries.isEmpty
            || !setup.propagation.isEmpty || !setup.clockOffsets.isEmpty || setup.sampling != nil
            || setup.sidecarPropagation != nil || setup.appSpans || !setup.replacements.isEmpty
        guard needsAdmin else { return restoration }
        guard let state = target.state else {
            throw ScenarioRunError(.unsupported("this scenario changes the lab (setup:), which needs the lab's admin APIs: run it on a local lab (`tracelab up`, or no --entry/--collector) or on the compose lab with `--target compose` (compose/lab.json)"))
        }
        let changesSidecars = !setup.routes.isEmpty || !setup.faults.isEmpty || !setup.timeouts.isEmpty || !setup.retries.isEmpty
            || !setup.clockOffsets.isEmpty || setup.sampling != nil || setup.sidecarPropagation != nil || !setup.replacements.isEmpty
        if changesSidecars, let first = target.sidecars(of: lab).first, let base = target.sidecarAdmin(first),
           let version = await envoyVersion(admin: base) {
            throw ScenarioRunError(.unsupported("this scenario's setup changes the sidecars (routes, faults, sampling, propagation or clocks) through tracelab-proxy's admin API, but the sidecar at \(base) is Envoy \(version) (compose/docker-compose.envoy.yaml), whose admin API has no such switches: run it on the lab with tracelab-proxy sidecars (compose without the Envoy override, or `tracelab up`)"))
        }
        do throws(ScenarioRunError) {
            try await applyRoutes(setup, lab: lab, plan: state.plan, restoration: &restoration)
            if let rate = setup.sampling {
                for instance in target.sidecars(of: lab) {
                    guard let base = target.sidecarAdmin(instance) else { continue }
                    remember(base, in: &restoration)
                    try await admin.send(.PUT, base + "/config/sampling", json: ["rate": rate])
                }
            }
            if let formats = setup.sidecarPropagation {
                let sidecars = target.sidecars(of: lab)
                guard !sidecars.isEmpty else {
                    throw ScenarioRunError(.unsupported("no sidecar admin URLs for the \(lab) lab in the lab's state; is it running?"))
                }
                for instance in sidecars {
                    guard let base = target.sidecarAdmin(instance) else { continue }
                    remember(base, in: &restoration)
                    try await admin.send(.PUT, base + "/config/propagation", json: ["formats": formats])
                }
            }
            if setup.appSpans {
                for instance in target.apps(of: lab) {
                    guard let url = target.appSpansAdmin(instance) else { continue }
                    let current = try await admin.send(.GET, url) as? [String: Any]
                    let previous = current?["enabled"] as? Bool ?? false
                    if previous { continue }
                    restoration.appSpans.append((url, previous))
                    try await admin.send(.POST, url, json: ["enabled": true])
                }
            }
            for (instance, mode) in setup.propagation.sorted(by: { $0.key < $1.key }) {
                guard let url = target.appPropagationAdmin(instance) else {
                    throw ScenarioRunError(.unsupported("no admin URL for the app \(instance.nodeID) in lab.json; is the \(lab) lab running?"))
                }
                let current = try await admin.send(.GET, url) as? [String: Any]
                let previous = current?["mode"] as? String ?? PropagationMode.forwardAll.rawValue
                restoration.appModes.append((url, previous))
                try await admin.send(.POST, url, json: ["mode": mode.rawValue])
            }
            for (instance, source) in setup.replacements.sorted(by: { $0.key < $1.key }) {
                try await replace(instance, with: source, setup: setup, state: state, restoration: &restoration)
            }
            for (instance, offset) in setup.clockOffsets.sorted(by: { $0.key < $1.key }) {
                let text = "\(offset.microseconds)us"
                guard let sidecar = target.sidecarAdmin(instance), let app = target.appClockAdmin(instance) else {
                    throw ScenarioRunError(.unsupported("no admin URLs for \(instance.nodeID) in lab.json; is the \(lab) lab running?"))
                }
                remember(sidecar, in: &restoration)
                try await admin.send(.PUT, sidecar + "/config/clock", json: ["offset": text])
                let current = try await admin.send(.GET, app) as? [String: Any]
                restoration.appClocks.append((app, current?["offset"] as? String ?? "0"))
                try await admin.send(.POST, app, json: ["offset": text])
            }
        } catch {
            await restore(restoration)
            throw error
        }
        return restoration
    }

    /// Puts the user's app behind `instance`'s sidecar (`PUT /config/app`; the sidecar's reset
    /// points it back), starting it first when it is a command. The command gets the app
    /// contract (`AppContract`) of the running lab in its environment and a free port.
    func replace(_ instance: ServiceInstance, with source: AppReplacement.Source, setup: ScenarioSetup, state: LabState, restoration: inout Restoration) async throws(ScenarioRunError) {
        let replacement = AppReplacement(instance: instance, source: source)
        if case .compose = target.collectorControl {
            throw ScenarioRunError(.unsupported("replace \(replacement): your app runs on this machine, which the compose lab's sidecars cannot reach; run it on a local lab (`tracelab up`, or `tracelab run` without a lab)"))
        }
        guard let admin = target.sidecarAdmin(instance), let sidecar = state.plan.sidecar(of: instance) else {
            throw ScenarioRunError(.unsupported("no sidecar for \(instance.nodeID) in the lab's state; is the \(instance.service.lab) lab running?"))
        }
        let address: HostPort
        switch source {
        case .address(let given):
            guard PortProbe.accepts(host: given.host, port: given.port) else {
                throw ScenarioRunError(.lab("nothing listens on \(given) (replace \(replacement)); start your app there first, or give cmd:COMMAND"))
            }
            address = given
        case .command(let command):
            guard let port = PortProbe.freeBlock(count: 1, host: sidecar.app.host) else {
                throw ScenarioRunError(.lab("no free port for \(replacement)"))
            }
            address = HostPort(host: sidecar.app.host, port: port)
            let contract = AppContract(
                instance: instance, port: port, outbound: sidecar.outbound, zipkinURL: state.zipkinURL, collectorURL: state.collectorURL,
                formats: setup.sidecarPropagation.map { $0.split(separator: ",").map(String.init) } ?? state.plan.configuration.sidecarFormats
            )
            let logs = (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(LabState.logsDirectory)
            try? FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
            let logPath = (logs as NSString).appendingPathComponent("\(instance.nodeID)-replacement.log")
            try? FileManager.default.removeItem(atPath: logPath)
            let pid: Int32
            do {
                let directory = setup.replacementDirectories[instance] ?? FileManager.default.currentDirectoryPath
                pid = try ProcessLauncher.spawn(
                    executable: "/bin/sh", arguments: ["-c", "cd -- \"$1\" && eval \"$2\"", "sh", directory, command],
                    environment: contract.environment, logPath: logPath)
            } catch {
                throw ScenarioRunError(.lab("cannot start \(replacement): \(String(cString: strerror(error.errno)))"))
            }
            restoration.userApps.append(pid)
            let outcome = await HealthChecker().waitUntilHealthy(
                url: "tcp://\(address)", pid: pid, deadline: ContinuousClock.now.advanced(by: .seconds(30)))
            let what: String? = switch outcome {
            case .healthy: nil
            case .died: "exited before it listened on \(address)"
            case .timedOut: "did not listen on \(address) within 30 s"
            }
            if let what {
                let tail = LogTail.lastLines(of: logPath).map { "    " + $0 }.joined(separator: "\n")
                throw ScenarioRunError(.lab("your app (\(replacement)) \(what); last lines of \(logPath):\n\(tail.isEmpty ? "    (log is empty)" : tail)"))
            }
            logger.debug("user app started", metadata: ["instance": "\(instance.nodeID)", "pid": "\(pid)", "address": "\(address)"])
        }
        remember(admin, in: &restoration)
        try await self.admin.send(.PUT, admin + "/config/app", json: ["address": address.description])
    }

    /// Envoy's version when the admin API at `base` is Envoy's (the compose Envoy override puts
    /// it on the sidecar's admin port): its `GET /server_info` names the build
    /// (`HASH/1.40.0/Clean/RELEASE/BoringSSL`); tracelab-proxy answers 404. Asked before any
    /// sidecar is changed, so a lesson Envoy cannot express is refused with nothing to undo.
    func envoyVersion(admin base: String) async -> String? {
        guard let info = try? await admin.send(.GET, base + "/server_info") as? [String: Any],
              let build = info["version"] as? String, info["command_line_options"] != nil else { return nil }
        let parts = build.split(separator: "/")
        return parts.count > 1 ? String(parts[1]) : build
    }

    func remember(_ base: String, in restoration: inout Restoration) {
        if !restoration.sidecars.contains(base) { restoration.sidecars.append(base) }
    }

    func applyRoutes(_ setup: ScenarioSetup, lab: LabName, plan: LabPlan, restoration: inout Restoration) async throws(ScenarioRunError) {
        let destinations = Set(setup.routes.keys).union(setup.faults.keys).union(setup.timeouts.keys).union(setup.retries.keys)
        for destination in destinations.sorted(by: { $0.rawValue < $1.rawValue }) {
            var body: [String: Any] = [:]
            if setup.routes[destination] != nil {
                var endpoints: [[String: Any]] = []
                for (version, weight) in setup.weights(for: destination) where weight > 0 {
                    let instance = ServiceInstance(service: destination, version: version)
                    guard let sidecar = plan.sidecar(of: instance) else {
                        throw ScenarioRunError(.unsupported("the lab plan has no sidecar for \(instance.nodeID)"))
                    }
                    endpoints.append(["address": sidecar.inbound.description, "weight": weight])
                }
                body["endpoints"] = endpoints
            }
            if let fault = setup.faults[destination] {
                var json: [String: Any] = [:]
                if let delay = fault.delay {
                    json["delay"] = ["milliseconds": Int(delay.duration.microseconds / 1_000), "percent": delay.percent]
                }
                if let abort = fault.abort {
                    json["abort"] = ["status": abort.status, "percent": abort.percent]
                }
                body["fault"] = json
            }
            if let timeout = setup.timeouts[destination] {
                body["timeoutMilliseconds"] = Int(timeout.microseconds / 1_000)
            }
            if let retries = setup.retries[destination] {
                body["retries"] = retries
            }
            let callers = LabTopology.calls.filter { $0.callee == destination }.flatMap { call in
                call.callerVersions.map { ServiceInstance(service: call.caller, version: $0) }
            }
            for caller in callers {
                guard let base = target.sidecarAdmin(caller) else { continue }
                remember(base, in: &restoration)
                logger.debug("route", metadata: ["sidecar": "\(caller.nodeID)", "service": "\(destination)"])
                try await admin.send(.PUT, base + "/config/routes/\(destination.rawValue)", json: body)
            }
        }
    }

    /// Undoes `restoration`; failures are logged, not thrown, so every step is attempted.
    public func restore(_ restoration: Restoration) async {
        // The sidecars first (a reset points them back at the lab's apps), the users' apps last.
        for base in restoration.sidecars {
            do {
                try await admin.send(.POST, base + "/config/reset")
            } catch {
                logger.warning("could not reset a sidecar", metadata: ["admin": "\(base)", "error": "\(error)"])
            }
        }
        for (url, mode) in restoration.appModes.reversed() {
            do {
                try await admin.send(.POST, url, json: ["mode": mode])
            } catch {
                logger.warning("could not restore a propagation mode", metadata: ["url": "\(url)", "error": "\(error)"])
            }
        }
        for (url, enabled) in restoration.appSpans.reversed() {
            do {
                try await admin.send(.POST, url, json: ["enabled": enabled])
            } catch {
                logger.warning("could not restore an app's app-span switch", metadata: ["url": "\(url)", "error": "\(error)"])
            }
        }
        for (url, offset) in restoration.appClocks.reversed() {
            do {
                try await admin.send(.POST, url, json: ["offset": offset])
            } catch {
                logger.warning("could not restore an app's clock offset", metadata: ["url": "\(url)", "error": "\(error)"])
            }
        }
        if !restoration.userApps.isEmpty {
            await ProcessControl.terminate(restoration.userApps, groups: Set(restoration.userApps), grace: .seconds(5))
        }
    }
}
