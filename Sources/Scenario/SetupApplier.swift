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
        public var isEmpty: Bool { sidecars.isEmpty && appModes.isEmpty && appClocks.isEmpty && appSpans.isEmpty }
    }

    /// Applies `setup`; on failure restores what was already applied and rethrows.
    public func apply(_ setup: ScenarioSetup, lab: LabName) async throws(ScenarioRunError) -> Restoration {
        var restoration = Restoration()
        let needsAdmin = !setup.routes.isEmpty || !setup.faults.isEmpty || !setup.timeouts.isEmpty || !setup.retries.isEmpty
            || !setup.propagation.isEmpty || !setup.clockOffsets.isEmpty || setup.sampling != nil
            || setup.sidecarPropagation != nil || setup.appSpans
        guard needsAdmin else { return restoration }
        guard let state = target.state else {
            throw ScenarioRunError(.unsupported("this scenario changes the lab (setup:), which needs the lab's admin APIs: run it on a local lab (`tracelab up`, or no --entry/--collector) or on the compose lab with `--target compose` (compose/lab.json)"))
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
    }
}
