import LabModel
import TraceContext
import Zipkin
import Yams

/// Reads a scenario file's text into a `ScenarioDefinition`, or fails naming the file, line
/// and field. Unknown keys are errors (with a did-you-mean), so a typo never silently turns an
/// assertion off.
public enum ScenarioLoader {
    static let topKeys = ["name", "lesson", "lab", "setup", "traffic", "expect"]
    static let lessonKeys = ["title", "shows", "look_at", "try_next"]
    static let setupKeys = ["routes", "faults", "timeouts", "retries", "propagation", "clock_offset", "sampling", "collector", "sidecar_propagation", "app_spans", "replace"]
    static let trafficKeys = ["path", "method", "requests", "duration", "concurrency", "rate", "headers", "context"]

    /// Parses `yaml`; `file` is only used in error messages and reports.
    public static func parse(yaml: String, file: String) throws(ScenarioError) -> ScenarioDefinition {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ScenarioError(.missing, file: file, line: 1, field: "name")
            }
            root = node
        } catch let error as ScenarioError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw ScenarioError(.syntax("\(error)"), file: file)
        }
        let top = YAMLCursor(node: root, path: "", file: file)
        let fields = try top.fields(allowed: topKeys)
        func required(_ key: String) throws(ScenarioError) -> YAMLCursor {
            guard let value = fields[key] else {
                throw ScenarioError(.missing, file: file, line: root.mark?.line, column: root.mark?.column, field: key)
            }
            return value
        }
        let nameCursor = try required("name")
        let name = try nameCursor.string()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw nameCursor.error(.invalidValue(name, hint: "use letters, digits and dashes, e.g. 03-reviews-forgets-b3"))
        }
        let lab = try required("lab").oneOf(LabName.self, LabName.allCases)
        let lesson = try fields["lesson"].map { cursor throws(ScenarioError) in try parseLesson(cursor) } ?? Lesson(title: name)
        let setup = try fields["setup"].map { cursor throws(ScenarioError) in try parseSetup(cursor, lab: lab) } ?? ScenarioSetup()
        let traffic = try fields["traffic"].map { cursor throws(ScenarioError) in try parseTraffic(cursor, lab: lab) }
            ?? TrafficPlan(path: LabTopology.entryPath(of: lab))
        let expectCursor = try required("expect")
        let expect = try ExpectationLoader.parse(expectCursor, lab: lab, setup: setup, traffic: traffic)
        return ScenarioDefinition(name: name, lesson: lesson, lab: lab, setup: setup, traffic: traffic, expect: expect, file: file)
    }

    static func syntaxError(_ error: YamlError, file: String) -> ScenarioError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let text = context.map { "\(problem) \($0.text)" } ?? problem
            return ScenarioError(.syntax(text), file: file, line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ScenarioError(.syntax("duplicated keys \(duplicates.joined(separator: ", ")) \(context.text)"), file: file,
                                 line: context.mark.line, column: context.mark.column)
        default:
            return ScenarioError(.syntax(error.description), file: file)
        }
    }

    static func parseLesson(_ cursor: YAMLCursor) throws(ScenarioError) -> Lesson {
        if cursor.node.scalar != nil { return Lesson(title: try cursor.string().trimmingSpaces()) }
        let fields = try cursor.fields(allowed: lessonKeys)
        guard let title = fields["title"] else { throw cursor.child("title", cursor.node).error(.missing) }
        return Lesson(
            title: try title.string().trimmingSpaces(),
            shows: try fields["shows"]?.string().trimmingSpaces(),
            lookAt: try fields["look_at"]?.string().trimmingSpaces(),
            tryNext: try fields["try_next"]?.string().trimmingSpaces()
        )
    }

    static func service(_ key: String, _ cursor: YAMLCursor, lab: LabName) throws(ScenarioError) -> ServiceName {
        let names = lab.services.map(\.rawValue)
        guard let service = ServiceName(rawValue: key), service.lab == lab else {
            let hint = Spelling.closest(to: key, among: names).map { "did you mean '\($0)'? " } ?? ""
            throw cursor.error(.invalidValue(key, hint: "\(hint)the \(lab) lab's services are \(names.joined(separator: ", "))"))
        }
        return service
    }

    /// A setup key naming one node (`reviews-v2`) or every version of a service (`reviews`).
    static func instances(_ key: String, _ cursor: YAMLCursor, lab: LabName) throws(ScenarioError) -> [ServiceInstance] {
        if let instance = ServiceInstance(nodeID: key), instance.service.lab == lab { return [instance] }
        return try service(key, cursor, lab: lab).instances
    }

    static func parseSetup(_ cursor: YAMLCursor, lab: LabName) throws(ScenarioError) -> ScenarioSetup {
        let fields = try cursor.fields(allowed: setupKeys)
        var setup = ScenarioSetup()
        for (key, value) in try fields["routes"]?.entries() ?? [] {
            let service = try service(key, value, lab: lab)
            var weights: [String: Int] = [:]
            for (version, weight) in try value.entries() {
                guard service.versions.contains(version) else {
                    throw weight.error(.invalidValue(version, hint: "\(service) has versions \(service.versions.joined(separator: ", "))"))
                }
                weights[version] = try weight.int(in: 0...100)
            }
            guard weights.values.reduce(0, +) > 0 else {
                throw value.error(.invalidValue("all zero", hint: "give at least one version a weight above 0"))
            }
            setup.routes[service] = weights
        }
        for (key, value) in try fields["faults"]?.entries() ?? [] {
            setup.faults[try service(key, value, lab: lab)] = try parseFault(value)
        }
        for (key, value) in try fields["timeouts"]?.entries() ?? [] {
            setup.timeouts[try service(key, value, lab: lab)] = try value.duration()
        }
        for (key, value) in try fields["retries"]?.entries() ?? [] {
            setup.retries[try service(key, value, lab: lab)] = try value.int(in: 0...10)
        }
        for (key, value) in try fields["propagation"]?.entries() ?? [] {
            let instances = try instances(key, value, lab: lab)
            let mode = try value.oneOf(PropagationMode.self, PropagationMode.allCases)
            for instance in instances { setup.propagation[instance] = mode }
        }
        for (key, value) in try fields["clock_offset"]?.entries() ?? [] {
            let instances = try instances(key, value, lab: lab)
            let text = try value.string()
            guard let micros = ClockOffset.parse(text) else {
                throw value.error(.invalidValue(text, hint: "write \(ClockOffset.expected) (positive: the clock runs ahead)"))
            }
            for instance in instances { setup.clockOffsets[instance] = .microseconds(micros) }
        }
        if let sampling = fields["sampling"] {
            setup.sampling = try sampling.fraction()
        }
        if let list = fields["sidecar_propagation"] {
            let text = try list.string()
            do {
                setup.sidecarPropagation = try PropagationFormat.parseList(text).map(\.rawValue).joined(separator: ",")
            } catch {
                throw list.error(.invalidValue(text, hint: error.description))
            }
        }
        if let appSpans = fields["app_spans"] {
            setup.appSpans = try appSpans.bool()
        }
        for (key, value) in try fields["replace"]?.entries() ?? [] {
            guard let instance = ServiceInstance(nodeID: key), instance.service.lab == lab else {
                throw value.error(.invalidValue(key, hint: "name one instance of the \(lab) lab, e.g. \(lab.services.last?.instances.last?.nodeID ?? "ratings-v1")"))
            }
            let text = try value.string()
            do {
                setup.replacements[instance] = try AppReplacement(parsing: "\(key)=\(text)").source
            } catch {
                throw value.error(.invalidValue(text, hint: "write HOST:PORT of your running app, or cmd:COMMAND for the lab to start it"))
            }
        }
        if let collector = fields["collector"] {
            let state = try collector.string()
            guard state == "up" || state == "down" else {
                throw collector.error(.invalidValue(state, hint: "write 'down' to stop the collector during the traffic, or 'up'"))
            }
            setup.collectorDown = state == "down"
        }
        return setup
    }

    static func parseFault(_ cursor: YAMLCursor) throws(ScenarioError) -> FaultSpec {
        let fields = try cursor.fields(allowed: ["delay", "abort"])
        var fault = FaultSpec()
        if let delay = fields["delay"] {
            let parts = try delay.fields(allowed: ["duration", "percent"])
            guard let duration = parts["duration"] else { throw delay.child("duration", delay.node).error(.missing) }
            fault.delay = .init(duration: try duration.duration(), percent: try parts["percent"].map { c throws(ScenarioError) in try c.percent() } ?? 100)
        }
        if let abort = fields["abort"] {
            let parts = try abort.fields(allowed: ["status", "percent"])
            guard let status = parts["status"] else { throw abort.child("status", abort.node).error(.missing) }
            fault.abort = .init(status: try status.int(in: 200...599), percent: try parts["percent"].map { c throws(ScenarioError) in try c.percent() } ?? 100)
        }
        guard fault.delay != nil || fault.abort != nil else {
            throw cursor.error(.invalidValue("empty fault", hint: "give a delay: {duration: 2s, percent: 100%} or an abort: {status: 503, percent: 50%}"))
        }
        return fault
    }

    static func parseTraffic(_ cursor: YAMLCursor, lab: LabName) throws(ScenarioError) -> TrafficPlan {
        let fields = try cursor.fields(allowed: trafficKeys)
        var plan = TrafficPlan(path: LabTopology.entryPath(of: lab))
        if let path = fields["path"] {
            let text = try path.string()
            guard text.hasPrefix("/") else { throw path.error(.invalidValue(text, hint: "a path starts with '/', e.g. /productpage")) }
            plan.path = text
        }
        if let method = fields["method"] {
            let text = try method.string().uppercased()
            guard ["GET", "HEAD", "POST", "PUT", "DELETE"].contains(text) else {
                throw method.error(.invalidValue(text, hint: "use GET, HEAD, POST, PUT or DELETE"))
            }
            plan.method = text
        }
        switch (fields["requests"], fields["duration"]) {
        case (.some(let requests), .some):
            throw requests.error(.invalidValue("requests and duration", hint: "give either requests or duration, not both"))
        case (.some(let requests), nil):
            plan.amount = .requests(try requests.int(in: 1...100_000))
        case (nil, .some(let duration)):
            let value = try duration.duration()
            guard value > .zero, value <= .seconds(600) else {
                throw duration.error(.invalidValue(try duration.string(), hint: "use a duration above 0 and at most 10m"))
            }
            plan.amount = .duration(value)
        case (nil, nil):
            break
        }
        if let concurrency = fields["concurrency"] { plan.concurrency = try concurrency.int(in: 1...256) }
        if let rate = fields["rate"] {
            let value = try rate.double()
            guard value > 0, value <= 100_000 else { throw rate.error(.invalidValue(try rate.string(), hint: "requests per second, above 0")) }
            plan.rate = value
        }
        if case .duration = plan.amount, plan.rate == nil, let duration = fields["duration"] {
            throw duration.error(.invalidValue(try duration.string(), hint: "a duration needs a rate (requests per second) so the run stays bounded"))
        }
        for (name, value) in try fields["headers"]?.entries() ?? [] {
            let header = name.lowercased()
            guard !header.isEmpty, header.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw value.error(.invalidValue(name, hint: "a header name has letters, digits and dashes"))
            }
            plan.headers[header] = try value.string()
        }
        if let context = fields["context"] {
            let parts = try context.fields(allowed: ["format", "sampling"])
            guard let format = parts["format"] else { throw context.child("format", context.node).error(.missing) }
            plan.context = .init(
                format: try format.oneOf(PropagationFormat.self, [.b3Multi, .b3Single, .w3c]),
                sampling: try parts["sampling"].map { c throws(ScenarioError) in try c.oneOf(TrafficPlan.ContextInjection.Sampling.self, TrafficPlan.ContextInjection.Sampling.allCases) } ?? .deferred
            )
            if plan.context?.format == .w3c, plan.context?.sampling == .debug {
                throw context.error(.invalidValue("w3c with debug", hint: "W3C traceparent has no debug flag; use b3multi or b3single"))
            }
        }
        return plan
    }
}
