import LabModel
import Zipkin

/// Judges a scenario's assertions over one run's observation. Pure: the same observation
/// always gives the same results, so every assertion kind is unit-tested with hand-made spans.
public struct AssertionEvaluator: Sendable {
    public var scenario: ScenarioDefinition
    public var expectedSpans: ExpectedSpans

    public init(scenario: ScenarioDefinition) {
        self.scenario = scenario
        self.expectedSpans = ExpectedSpans.forScenario(scenario)
    }

    public func evaluate(_ observation: ScenarioObservation) -> [AssertionResult] {
        scenario.expect.map { evaluate($0, observation) }
    }

    public func evaluate(_ assertion: ScenarioAssertion, _ observation: ScenarioObservation) -> AssertionResult {
        switch assertion {
        case .traces(let range): traces(range, observation, field: assertion.field)
        case .complete(let expected): complete(expected, observation, field: assertion.field)
        case .brokenLinks(let links, let exclusive): brokenLinks(links, exclusive: exclusive, observation, field: assertion.field)
        case .shape(let shape): self.shape(shape, observation, field: assertion.field)
        case .spanCounts(let counts): spanCounts(counts, observation, field: assertion.field)
        case .tags(let tags): self.tags(tags, observation, field: assertion.field)
        case .statusCodes(let codes): statusCodes(codes, observation, field: assertion.field)
        case .errorRate(let min, let max): errorRate(min: min, max: max, observation, field: assertion.field)
        case .latency(let bounds): latency(bounds, observation, field: assertion.field)
        case .split(let split): self.split(split, observation, field: assertion.field)
        case .delay(let delay): self.delay(delay, observation, field: assertion.field)
        case .abort(let abort): self.abort(abort, observation, field: assertion.field)
        case .sampling(let sampling): self.sampling(sampling, observation, field: assertion.field)
        case .propagation(let hops): propagation(hops, observation, field: assertion.field)
        case .sidecars(let counters): sidecars(counters, observation, field: assertion.field)
        case .clockSkew(let skew): clockSkew(skew, observation, field: assertion.field)
        }
    }

    // MARK: trace structure

    func traces(_ range: CountRange, _ observation: ScenarioObservation, field: String) -> AssertionResult {
        let count = observation.entryTraces(lab: scenario.lab).count
        return AssertionResult(field: field, passed: range.contains(count), expected: "\(range) traces", seen: "\(count) traces")
    }

    /// Why request `index` is not complete, nil when it is.
    func incompleteness(ofRequest index: Int, _ observation: ScenarioObservation) -> AssertionResult.Failure? {
        let traceIDs = observation.requestTraces[index] ?? []
        let spans = observation.spans(ofRequest: index)
        let missing = expectedSpans.missing(from: spans)
        if traceIDs.count > 1 {
            guard let first = brokenHops(in: spans).first else {
                return .init(traceID: traceIDs.first, expected: "one trace", seen: "\(traceIDs.count) traces")
            }
            let why = first.breakCause.map { ": \($0.explanation(for: first.nodeHop))" } ?? ""
            return .init(traceID: first.traceID ?? traceIDs.first, hop: first.nodeHop.description,
                         expected: "one trace", seen: "\(traceIDs.count) traces" + why)
        }
        if !missing.isEmpty {
            return .init(traceID: traceIDs.first, expected: "\(expectedSpans.minimumCount)+ spans",
                         seen: "missing \(missing.map(\.description).joined(separator: ", "))")
        }
        if let traceID = traceIDs.first, let judgement = observation.judgements[traceID], !judgement.complete {
            let finding = judgement.findings.first
            return .init(traceID: traceID, hop: finding?.hop, expected: "complete", seen: finding?.cause ?? "judged incomplete")
        }
        let hops = brokenHops(in: spans)
        if let first = hops.first, let cause = first.breakCause {
            return .init(traceID: first.traceID, hop: first.nodeHop.description, expected: "joined hop", seen: cause.explanation(for: first.nodeHop))
        }
        return nil
    }

    func complete(_ expected: Bool, _ observation: ScenarioObservation, field: String) -> AssertionResult {
        let recorded = observation.recordedRequestIndices
        guard !recorded.isEmpty else {
            return AssertionResult(field: field, passed: false, expected: expected ? "complete traces" : "broken traces",
                                   seen: "no trace recorded", failures: [.init(expected: "traces", seen: "none")])
        }
        var failures: [AssertionResult.Failure] = []
        var completeCount = 0
        for index in recorded {
            if let problem = incompleteness(ofRequest: index, observation) {
                if expected { failures.append(problem) }
            } else {
                completeCount += 1
                if !expected {
                    failures.append(.init(traceID: observation.requestTraces[index]?.first, expected: "a broken trace", seen: "complete"))
                }
            }
        }
        return AssertionResult(field: field, passed: failures.isEmpty,
                               expected: expected ? "all \(recorded.count) traces complete" : "no trace complete",
                               seen: "\(completeCount) of \(recorded.count) complete", failures: failures)
    }

    /// Every call of the lab's topology in `spans` whose hop broke.
    func brokenHops(in spans: [ZipkinSpan]) -> [HopObservation] {
        LabTopology.calls.filter { $0.caller.lab == scenario.lab }.flatMap { call in
            HopObservation.observe(HopName(caller: NodeName(service: call.caller), callee: NodeName(service: call.callee)), in: spans)
        }
        .filter { $0.breakCause != nil && $0.breakCause != .requestIDChanged }
    }

    func brokenLinks(_ links: [BrokenLinkExpectation], exclusive: Bool, _ observation: ScenarioObservation, field: String) -> AssertionResult {
        var failures: [AssertionResult.Failure] = []
        var seenCount = 0
        var crossings = 0
        for index in observation.recordedRequestIndices {
            let spans = observation.spans(ofRequest: index)
            let broken = brokenHops(in: spans)
            for link in links {
                let atHop = HopObservation.observe(link.at, in: spans)
                for crossing in atHop {
                    crossings += 1
                    let calleeName = NodeName(service: link.at.callee.service)
                    let named = HopName(caller: crossing.callerServer.flatMap { $0.tags["node_id"] }.flatMap(NodeName.init) ?? link.at.caller, callee: calleeName)
                    guard let cause = crossing.breakCause, cause != .requestIDChanged else {
                        failures.append(.init(traceID: crossing.traceID, hop: named.description, expected: "broken (\(link.cause ?? "any cause"))", seen: "joined"))
                        continue
                    }
                    if let wanted = link.cause, wanted != "any", wanted != cause.rawValue,
                       !judgementNames(wanted, at: named, traceIDs: observation.requestTraces[index] ?? [], observation) {
                        failures.append(.init(traceID: crossing.traceID, hop: named.description, expected: "broken (\(wanted))",
                                              seen: "broken (\(cause.rawValue)): \(cause.explanation(for: named))"))
                        continue
                    }
                    seenCount += 1
                }
            }
            if exclusive {
                for hop in broken where !links.contains(where: { matches($0.at, hop) }) {
                    failures.append(.init(traceID: hop.traceID, hop: hop.nodeHop.description, expected: "no break here",
                                          seen: "broken (\(hop.breakCause?.rawValue ?? "?"))"))
                }
            }
        }
        if crossings == 0 {
            failures.append(.init(expected: "calls at \(links.map(\.at.description).joined(separator: ", "))", seen: "no such call in the recorded traces"))
        }
        let wanted = links.map { "\($0.at) (\($0.cause ?? "any"))" }.joined(separator: ", ")
        return AssertionResult(field: field, passed: failures.isEmpty, expected: "broken at \(wanted)",
                               seen: "\(seenCount) of \(crossings) calls broken as expected", failures: failures)
    }

    func matches(_ expected: HopName, _ observed: HopObservation) -> Bool {
        guard expected.callee.service == observed.hop.callee.service, expected.caller.service == observed.hop.caller.service else { return false }
        guard let version = expected.caller.version else { return true }
        let node = (observed.callerServer ?? observed.client)?.tags["node_id"]
        return node == nil || node == "\(expected.caller.service.rawValue)-\(version)"
    }

    /// The analysis named this cause at this hop (its own codes may differ from `BreakCause`).
    func judgementNames(_ cause: String, at hop: HopName, traceIDs: [String], _ observation: ScenarioObservation) -> Bool {
        traceIDs.contains { id in
            observation.judgements[id]?.findings.contains { finding in
                (finding.code == cause || finding.kind == cause) && (finding.hop.map { $0.hasPrefix(hop.caller.service.rawValue) } ?? true)
            } ?? false
        }
    }

    func shape(_ shape: ShapeExpectation, _ observation: ScenarioObservation, field: String) -> AssertionResult {
        let traceIDs = observation.entryTraces(lab: scenario.lab)
        var containing: [String] = []
        var lacking: [String] = []
        for traceID in traceIDs {
            let spans = observation.traces[traceID] ?? []
            if Self.contains(path: shape.path, in: spans) { containing.append(traceID) } else { lacking.append(traceID) }
        }
        let path = shape.path.map(\.description).joined(separator: " -> ")
        let passed: Bool
        var failures: [AssertionResult.Failure] = []
        switch shape.scope {
        case .all:
            passed = !traceIDs.isEmpty && lacking.isEmpty
            failures = lacking.map { .init(traceID: $0, expected: path, seen: Self.describePaths(observation.traces[$0] ?? [])) }
        case .some:
            passed = !containing.isEmpty
            if !passed { failures = lacking.prefix(1).map { .init(traceID: $0, expected: path, seen: Self.describePaths(observation.traces[$0] ?? [])) } }
        case .none:
            passed = containing.isEmpty
            failures = containing.map { .init(traceID: $0, expected: "not \(path)", seen: path) }
        }
        if traceIDs.isEmpty { failures.append(.init(expected: path, seen: "no trace recorded")) }
        return AssertionResult(field: field, passed: passed, expected: "\(shape.scope.rawValue) traces show \(path)",
                               seen: "\(containing.count) of \(traceIDs.count) traces show it", failures: failures)
    }

    /// Whether a chain of SERVER spans named like `path` (each the caller of the next) exists.
    static func contains(path: [NodeName], in spans: [ZipkinSpan]) -> Bool {
        guard let last = path.last else { return true }
        let index = SpanIndex(spans)
        for span in spans where span.kind == .server && last.matches(service: span.localServiceName, nodeID: span.tags["node_id"]) {
            var current = span
            var ok = true
            for name in path.dropLast().reversed() {
                guard let parent = index.callerServer(of: current), name.matches(service: parent.localServiceName, nodeID: parent.tags["node_id"]) else {
                    ok = false
                    break
                }
                current = parent
            }
            if ok { return true }
        }
        return false
    }

    /// The service paths of a trace, for "seen" texts: `productpage -> reviews-v1`.
    static func describePaths(_ spans: [ZipkinSpan]) -> String {
        let index = SpanIndex(spans)
        let servers = spans.filter { $0.kind == .server }
        let parents = Set(servers.compactMap { index.callerServer(of: $0) }.map(SpanKey.init))
        var paths: [String] = []
        for leaf in servers where !parents.contains(SpanKey(leaf)) {
            var names = [leaf.tags["node_id"] ?? leaf.localServiceName ?? "?"]
            var current = leaf
            while let parent = index.callerServer(of: current), names.count < 16 {
                names.insert(parent.tags["node_id"] ?? parent.localServiceName ?? "?", at: 0)
                current = parent
            }
            paths.append(names.joined(separator: " -> "))
        }
        return paths.isEmpty ? "no SERVER span" : paths.sorted().joined(separator: "; ")
    }

    func spanCounts(_ counts: [String: CountRange], _ observation: ScenarioObservation, field: String) -> AssertionResult {
        var failures: [AssertionResult.Failure] = []
        let traceIDs = observation.entryTraces(lab: scenario.lab)
        for traceID in traceIDs {
            let spans = observation.traces[traceID] ?? []
            for (name, range) in counts.sorted(by: { $0.key < $1.key }) {
                guard let node = NodeName(name) else { continue }
                let count = spans.filter { node.matches(service: $0.localServiceName, nodeID: $0.tags["node_id"]) }.count
                if !range.contains(count) {
                    failures.append(.init(traceID: traceID, expected: "\(range) spans of \(name)", seen: "\(count)"))
                }
            }
        }
        if traceIDs.isEmpty { failures.append(.init(expected: "traces", seen: "none recorded")) }
        let expected = counts.sorted(by: { $0.key < $1.key }).map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return AssertionResult(field: field, passed: failures.isEmpty, expected: "per trace \(expected)",
                               seen: "\(traceIDs.count - Set(failures.compactMap(\.traceID)).count) of \(traceIDs.count) traces match", failures: failures)
    }

    func tags(_ tags: [TagExpectation], _ observation: ScenarioObservation, field: String) -> AssertionResult {
        var failures: [AssertionResult.Failure] = []
        var checked = 0
        var spans = observation.traces.keys.sorted().flatMap { observation.traces[$0] ?? [] }
        // The lab's spans (sidecars' and its apps') carry `node_id`; a user's app standing in
        // for an instance (`replace:`) reports its own, which the lesson's tag rules are not
        // about: its spans are judged by the trace's links, not by the lab's tag conventions.
        let replacedServices = Set(scenario.setup.replacements.keys.map(\.service.rawValue))
        if !replacedServices.isEmpty {
            spans.removeAll { $0.tags["node_id"] == nil && $0.localServiceName.map(replacedServices.contains) == true }
        }
        for expectation in tags {
            let matching = spans.filter { span in
                (expectation.node?.matches(service: span.localServiceName, nodeID: span.tags["node_id"]) ?? true)
                    && (expectation.kind.map { span.kind?.rawValue == $0 } ?? true)
            }
            let scope = [expectation.node?.description, expectation.kind?.lowercased()].compactMap { $0 }.joined(separator: " ")
            if matching.isEmpty {
                failures.append(.init(expected: "\(scope.isEmpty ? "" : scope + " ")spans with \(expectation.tag)", seen: "no such span"))
                continue
            }
            for span in matching {
                checked += 1
                let value = span.tags[expectation.tag]
                let ok: Bool
                let wanted: String
                switch expectation.check {
                case .equals(let text): ok = value == text; wanted = "\(expectation.tag)=\(text)"
                case .present: ok = value != nil; wanted = "\(expectation.tag) present"
                case .absent: ok = value == nil; wanted = "no \(expectation.tag)"
                }
                if !ok {
                    failures.append(.init(traceID: span.traceID.hex, hop: span.tags["node_id"] ?? span.localServiceName,
                                          expected: wanted, seen: value.map { "\(expectation.tag)=\($0)" } ?? "no \(expectation.tag)"))
                }
            }
        }
        return AssertionResult(field: field, passed: failures.isEmpty, expected: "\(tags.count) tag rule(s)",
                               seen: "\(checked - failures.count) of \(checked) spans match", failures: failures)
    }

    func propagation(_ hops: [HopPropagationExpectation], _ observation: ScenarioObservation, field: String) -> AssertionResult {
        var failures: [AssertionResult.Failure] = []
        var crossings = 0
        for expectation in hops {
            var seenHere = 0
            for index in observation.recordedRequestIndices {
                for crossing in HopObservation.observe(expectation.hop, in: observation.spans(ofRequest: index)) {
                    seenHere += 1
                    let name = expectation.hop.description
                    let joined = crossing.joinedToCaller && crossing.serverJoined
                    if let wanted = expectation.joined, wanted != joined {
                        failures.append(.init(traceID: crossing.traceID, hop: name, expected: wanted ? "joined" : "not joined",
                                              seen: joined ? "joined" : (crossing.breakCause.map { $0.explanation(for: expectation.hop) } ?? "not joined")))
                    }
                    if let wanted = expectation.requestID {
                        let same = crossing.sameRequestID
                        if same == nil || (wanted == .same) != same {
                            failures.append(.init(traceID: crossing.traceID, hop: name, expected: "x-request-id \(wanted.rawValue)",
                                                  seen: same.map { $0 ? "same" : "different" } ?? "unknown (span missing)"))
                        }
                    }
                    if let wanted = expectation.format, crossing.format != wanted {
                        failures.append(.init(traceID: crossing.traceID, hop: name, expected: "\(wanted.rawValue) context",
                                              seen: crossing.format.map { "\($0.rawValue) context" } ?? "no joined SERVER span"))
                    }
                }
            }
            if seenHere == 0 { failures.append(.init(hop: expectation.hop.description, expected: "calls at this hop", seen: "none")) }
            crossings += seenHere
        }
        return AssertionResult(field: field, passed: failures.isEmpty, expected: "\(hops.count) hop rule(s)",
                               seen: "\(crossings) crossings, \(failures.count) not as expected", failures: failures)
    }
}
