import LabModel

/// Parses the `expect:` block: one `ScenarioAssertion` per key, each validated against the
/// lab (hops must exist) and the traffic (a split test needs enough requests to see anything).
enum ExpectationLoader {
    static let keys = ["traces", "complete", "broken_links", "shape", "span_counts", "tags", "status",
                       "error_rate", "latency", "split", "fault", "sampling", "propagation", "sidecars", "clock_skew"]

    static func parse(_ cursor: YAMLCursor, lab: LabName, setup: ScenarioSetup, traffic: TrafficPlan) throws(ScenarioError) -> [ScenarioAssertion] {
        var result: [ScenarioAssertion] = []
        for (key, value) in try cursor.entries() {
            _ = try cursor.fields(allowed: keys)
            switch key {
            case "traces": result.append(.traces(try countRange(value)))
            case "complete": result.append(.complete(try value.bool()))
            case "broken_links": result.append(try brokenLinks(value, lab: lab))
            case "shape": result.append(.shape(try shape(value, lab: lab)))
            case "span_counts":
                var counts: [String: CountRange] = [:]
                for (name, count) in try value.entries() {
                    guard let node = NodeName(name), node.service.lab == lab else {
                        throw count.error(.invalidValue(name, hint: "name a service or node id of the \(lab) lab: \(lab.services.map(\.rawValue).joined(separator: ", "))"))
                    }
                    counts[node.description] = try countRange(count)
                }
                result.append(.spanCounts(counts))
            case "tags": result.append(.tags(try value.itemsOrSingle().map { item throws(ScenarioError) in try tag(item, lab: lab) }))
            case "status":
                let codes = try value.itemsOrSingle().map { item throws(ScenarioError) in try item.int(in: 100...599) }
                result.append(.statusCodes(codes))
            case "error_rate":
                if value.node.scalar != nil {
                    let rate = try value.fraction()
                    result.append(.errorRate(min: rate, max: rate))
                } else {
                    let parts = try value.fields(allowed: ["min", "max"])
                    result.append(.errorRate(min: try parts["min"]?.fraction() ?? 0, max: try parts["max"]?.fraction() ?? 1))
                }
            case "latency": result.append(.latency(try latency(value)))
            case "split": result.append(.split(try split(value, lab: lab, setup: setup, traffic: traffic)))
            case "fault": result.append(contentsOf: try fault(value, lab: lab))
            case "sampling": result.append(.sampling(try sampling(value)))
            case "propagation": result.append(.propagation(try propagation(value, lab: lab)))
            case "sidecars":
                var counters: [SidecarCounterExpectation] = []
                for (name, bound) in try value.entries() {
                    let counter = try YAMLCursor(node: .init(name), path: bound.path, file: bound.file)
                        .oneOf(SidecarCounterExpectation.Counter.self, SidecarCounterExpectation.Counter.allCases)
                    counters.append(.init(counter: counter, bound: try comparison(bound, number: { Double($0) })))
                }
                result.append(.sidecars(counters))
            case "clock_skew": result.append(.clockSkew(try clockSkew(value, lab: lab)))
            default:
                break
            }
        }
        guard !result.isEmpty else {
            throw cursor.error(.invalidValue("empty", hint: "give at least one assertion, e.g. complete: true"))
        }
        return result
    }

    static func countRange(_ cursor: YAMLCursor) throws(ScenarioError) -> CountRange {
        if cursor.node.scalar != nil { return .exactly(try cursor.int(in: 0...1_000_000)) }
        let parts = try cursor.fields(allowed: ["min", "max"])
        let min = try parts["min"]?.int(in: 0...1_000_000) ?? 0
        let max = try parts["max"]?.int(in: 0...1_000_000)
        if let max, max < min { throw cursor.error(.invalidValue("min \(min) > max \(max)", hint: "min must not exceed max")) }
        return CountRange(min: min, max: max)
    }

    static func hop(_ cursor: YAMLCursor, lab: LabName) throws(ScenarioError) -> HopName {
        let text = try cursor.string()
        guard let hop = HopName.parse(text) else {
            throw cursor.error(.invalidValue(text, hint: "write a hop as 'caller -> callee', e.g. 'reviews-v2 -> ratings'"))
        }
        let exists = LabTopology.calls.contains { call in
            call.caller == hop.caller.service && call.callee == hop.callee.service
                && (hop.caller.version.map { call.callerVersions.contains($0) } ?? true)
        }
        guard exists, hop.caller.service.lab == lab else {
            let hops = LabTopology.calls.filter { $0.caller.lab == lab }.map { "\($0.caller) -> \($0.callee)" }
            throw cursor.error(.invalidValue(text, hint: "no such call in the \(lab) lab; its hops are \(hops.joined(separator: ", "))"))
        }
        return hop
    }

    static func brokenLinks(_ cursor: YAMLCursor, lab: LabName) throws(ScenarioError) -> ScenarioAssertion {
        var exclusive = true
        var items = try cursor.itemsOrSingle()
        if cursor.node.mapping != nil, let only = try cursor.entries().first(where: { $0.key == "only" }) {
            exclusive = try only.value.bool()
            items = [cursor]
        }
        var expectations: [BrokenLinkExpectation] = []
        for item in items {
            let parts = try item.fields(allowed: ["at", "cause", "only"])
            guard let at = parts["at"] else { throw item.child("at", item.node).error(.missing) }
            let cause = try parts["cause"]?.string()
            if let cause, !BreakCause.codes.contains(cause) {
                let hint = Spelling.closest(to: cause, among: BreakCause.codes).map { "did you mean '\($0)'? " } ?? ""
                throw parts["cause"].map { $0.error(.invalidValue(cause, hint: "\(hint)use one of \(BreakCause.codes.joined(separator: ", "))")) }
                    ?? item.error(.missing)
            }
            expectations.append(.init(at: try hop(at, lab: lab), cause: cause))
        }
        return .brokenLinks(expectations, exclusive: exclusive)
    }

    static func shape(_ cursor: YAMLCursor, lab: LabName) throws(ScenarioError) -> ShapeExpectation {
        var pathCursor = cursor
        var scope = ShapeExpectation.Scope.all
        if cursor.node.mapping != nil {
            let parts = try cursor.fields(allowed: ["path", "in"])
            guard let path = parts["path"] else { throw cursor.child("path", cursor.node).error(.missing) }
            pathCursor = path
            scope = try parts["in"]?.oneOf(ShapeExpectation.Scope.self, ShapeExpectation.Scope.allCases) ?? .all
        }
        let text = try pathCursor.string()
        var nodes: [NodeName] = []
        for part in ShapeExpectation.splitArrows(text) {
            guard let node = NodeName(part), node.service.lab == lab else {
                throw pathCursor.error(.invalidValue(text, hint: "'\(part)' is no service of the \(lab) lab; write e.g. 'productpage -> reviews -> ratings'"))
            }
            nodes.append(node)
        }
        guard nodes.count >= 2 else { throw pathCursor.error(.invalidValue(text, hint: "a shape has at least two services joined by '->'")) }
        return ShapeExpectation(path: nodes, scope: scope)
    }

    static func tag(_ cursor: YAMLCursor, lab: LabName) throws(ScenarioError) -> TagExpectation {
        let parts = try cursor.fields(allowed: ["service", "kind", "tag", "equals", "present"])
        guard let tag = parts["tag"] else { throw cursor.child("tag", cursor.node).error(.missing) }
        var node: NodeName?
        if let service = parts["service"] {
            let text = try service.string()
            guard let name = NodeName(text), name.service.lab == lab else {
                throw service.error(.invalidValue(text, hint: "name a service or node id of the \(lab) lab"))
            }
            node = name
        }
        var kind: String?
        if let kindCursor = parts["kind"] {
            let text = try kindCursor.string().uppercased()
            guard ["CLIENT", "SERVER"].contains(text) else { throw kindCursor.error(.invalidValue(text, hint: "use client or server")) }
            kind = text
        }
        let check: TagExpectation.Check
        switch (parts["equals"], parts["present"]) {
        case (.some(let equals), nil): check = .equals(try equals.string())
        case (nil, .some(let present)): check = try present.bool() ? .present : .absent
        default: throw cursor.error(.invalidValue("tag check", hint: "give exactly one of equals: VALUE or present: true|false"))
        }
        return TagExpectation(node: node, kind: kind, tag: try tag.string(), check: check)
    }

    static func comparison(_ cursor: YAMLCursor, number: (String) -> Double?) throws(ScenarioError) -> Comparison {
        let text = try cursor.string()
        guard let comparison = Comparison.parse(text, number: number) else {
            throw cursor.error(.invalidValue(text, hint: "write a bound such as '< 300ms' or '>= 1' (operators <, <=, >, >=)"))
        }
        return comparison
    }

    static func latency(_ cursor: YAMLCursor) throws(ScenarioError) -> [LatencyExpectation] {
        var result: [LatencyExpectation] = []
        for (key, value) in try cursor.entries() {
            let percentile: Double
            switch key {
            case "min": percentile = 0
            case "max": percentile = 100
            default:
                guard key.hasPrefix("p"), let number = Double(key.dropFirst()), number > 0, number < 100 else {
                    throw value.error(.invalidValue(key, hint: "use p50, p90, p99, p99.9, min or max"))
                }
                percentile = number
            }
            let bound = try comparison(value) { DurationText.parse($0).map { Double($0.microseconds) } }
            result.append(.init(percentile: percentile, bound: bound))
        }
        return result
    }

    static func split(_ cursor: YAMLCursor, lab: LabName, setup: ScenarioSetup, traffic: TrafficPlan) throws(ScenarioError) -> SplitExpectation {
        let parts = try cursor.fields(allowed: ["service", "weights", "tolerance"])
        guard let serviceCursor = parts["service"] else { throw cursor.child("service", cursor.node).error(.missing) }
        let service = try ScenarioLoader.service(try serviceCursor.string(), serviceCursor, lab: lab)
        guard service.versions.count > 1 else {
            throw serviceCursor.error(.invalidValue(service.rawValue, hint: "only a service with several versions can be split (reviews)"))
        }
        var weights: [String: Int]?
        if let weightsCursor = parts["weights"] {
            var table: [String: Int] = [:]
            for (version, weight) in try weightsCursor.entries() {
                guard service.versions.contains(version) else {
                    throw weight.error(.invalidValue(version, hint: "\(service) has versions \(service.versions.joined(separator: ", "))"))
                }
                table[version] = try weight.int(in: 0...100)
            }
            weights = table
        }
        let tolerance = try parts["tolerance"]?.fraction() ?? 0.1
        let split = SplitExpectation(service: service, weights: weights, tolerance: tolerance)
        // A split test on too few requests would pass whatever the routing does (blind): refuse it.
        let expected = weights.map { table in service.versions.map { Double(table[$0] ?? 0) } }
            ?? setup.weights(for: service).map { Double($0.weight) }
        if let count = traffic.fixedRequestCount {
            let needed = SplitTest.minimumSampleSize(weights: expected, tolerance: tolerance)
            if count < needed {
                throw cursor.error(.invalidValue("\(count) requests", hint: "too few to tell the split apart within \(formatNumber(tolerance * 100))%; send at least \(needed) requests or raise the tolerance"))
            }
        }
        return split
    }

    static func fault(_ cursor: YAMLCursor, lab: LabName) throws(ScenarioError) -> [ScenarioAssertion] {
        let parts = try cursor.fields(allowed: ["delay", "abort"])
        var result: [ScenarioAssertion] = []
        if let delay = parts["delay"] {
            let fields = try delay.fields(allowed: ["at", "min", "fraction"])
            guard let at = fields["at"] else { throw delay.child("at", delay.node).error(.missing) }
            guard let min = fields["min"] else { throw delay.child("min", delay.node).error(.missing) }
            result.append(.delay(.init(at: try hop(at, lab: lab), minimum: try min.duration(), fraction: try fields["fraction"]?.fraction())))
        }
        if let abort = parts["abort"] {
            let fields = try abort.fields(allowed: ["at", "status", "fraction"])
            guard let at = fields["at"] else { throw abort.child("at", abort.node).error(.missing) }
            guard let status = fields["status"] else { throw abort.child("status", abort.node).error(.missing) }
            result.append(.abort(.init(at: try hop(at, lab: lab), status: try status.int(in: 200...599), fraction: try fields["fraction"]?.fraction())))
        }
        return result
    }

    static func clockSkew(_ cursor: YAMLCursor, lab: LabName) throws(ScenarioError) -> ClockSkewExpectation? {
        if cursor.node.scalar != nil {
            let text = try cursor.string()
            guard text == "none" else {
                throw cursor.error(.invalidValue(text, hint: "write clock_skew: none, or {service: ratings, offset: \">= 400ms\", direction: ahead}"))
            }
            return nil
        }
        let fields = try cursor.fields(allowed: ["service", "at", "offset", "direction"])
        guard let serviceField = fields["service"] else { throw cursor.child("service", cursor.node).error(.missing) }
        let name = try serviceField.string()
        guard let service = NodeName(name), service.service.lab == lab else {
            throw serviceField.error(.invalidValue(name, hint: "name a service or node id of the \(lab) lab: \(lab.services.map(\.rawValue).joined(separator: ", "))"))
        }
        let at = try fields["at"].map { c throws(ScenarioError) in try hop(c, lab: lab) }
        if let at, let atField = fields["at"], at.callee.service != service.service, at.caller.service != service.service {
            throw atField.error(.invalidValue(at.description, hint: "the hop must have \(service) at one end"))
        }
        return ClockSkewExpectation(
            service: service, at: at,
            offset: try fields["offset"].map { c throws(ScenarioError) in try comparison(c, number: { DurationText.parse($0).map { Double($0.microseconds) } }) },
            direction: try fields["direction"].map { c throws(ScenarioError) in try c.oneOf(ClockSkewExpectation.Direction.self, ClockSkewExpectation.Direction.allCases) }
        )
    }

    static func sampling(_ cursor: YAMLCursor) throws(ScenarioError) -> SamplingExpectation {
        let parts = try cursor.fields(allowed: ["rate", "all_or_nothing", "debug"])
        return SamplingExpectation(
            rate: try parts["rate"]?.fraction(),
            allOrNothing: try parts["all_or_nothing"]?.bool() ?? true,
            debug: try parts["debug"]?.bool() ?? false
        )
    }

    static func propagation(_ cursor: YAMLCursor, lab: LabName) throws(ScenarioError) -> [HopPropagationExpectation] {
        var result: [HopPropagationExpectation] = []
        for (key, value) in try cursor.entries() {
            let hopName = try hop(YAMLCursor(node: .init(key), path: value.path, file: value.file), lab: lab)
            let parts = try value.fields(allowed: ["joined", "request_id", "format"])
            result.append(.init(
                hop: hopName,
                joined: try parts["joined"]?.bool(),
                requestID: try parts["request_id"]?.oneOf(HopPropagationExpectation.RequestIDCheck.self, HopPropagationExpectation.RequestIDCheck.allCases),
                format: try parts["format"]?.oneOf(HopPropagationExpectation.FormatCheck.self, HopPropagationExpectation.FormatCheck.allCases)
            ))
        }
        return result
    }
}
