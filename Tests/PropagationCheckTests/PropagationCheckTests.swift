import Foundation
import LabModel
import PropagationCheck
import Testing
import TraceContext

/// A fixed sequence, so the plan's ids are reproducible.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What a lab app with a propagation mode sends downstream for a case: exactly what
/// `PropagationMode` (the planted bugs of the lessons) makes of the case's headers.
func labApp(_ mode: PropagationMode, _ sent: PropagationCase) -> CapturedCall {
    var generator = SplitMix(state: 99)
    return CapturedCall(host: "ratings", path: "/ratings/0", headers: mode.outgoingHeaders(from: sent.headers, using: &generator))
}

func plan(_ formats: [PropagationFormat] = PropagationCasePlan.defaultFormats, seed: UInt64 = 7) -> [PropagationCase] {
    var generator = SplitMix(state: seed)
    return PropagationCasePlan.cases(for: formats, using: &generator)
}

func report(_ cases: [PropagationCase], calls: (PropagationCase) -> [CapturedCall]) -> PropagationReport {
    PropagationReport(app: "test", instance: "reviews-v2", request: "GET /reviews/0", outbound: "127.0.0.1:1", log: nil,
                      cases: cases.map { CaseResult(case: $0, appStatus: 200, appProblem: nil, calls: calls($0)) })
}

func verdict(_ report: PropagationReport, _ format: String) -> FormatVerdict.Kind? {
    report.verdicts.first { $0.format == format }?.verdict
}

func finding(_ report: PropagationReport, _ caseName: String, _ header: String) -> HeaderFinding? {
    report.cases.first { $0.name == caseName }?.calls.first?.findings.first { $0.header == header }
}

@Suite("Propagation check: the cases sent")
struct PropagationCasePlanTests {
    @Test("every case's headers parse back to its context, in its format only")
    func headersCarryTheContext() throws {
        let cases = plan()
        #expect(cases.map(\.name) == [
            "b3multi/sampled-128", "b3multi/not-sampled-64", "b3multi/debug",
            "b3single/sampled-128", "b3single/not-sampled-64", "b3single/debug",
            "w3c/sampled", "w3c/not-sampled", "ot/ids-128", "ot/ids-64",
        ])
        for sent in cases {
            let parsed: SpanContext?
            let value = sent.format.headerNames.compactMap { sent.headers[$0] }.first ?? ""
            switch sent.format {
            case .b3Multi: parsed = try B3MultiHeaders.extract(from: sent.headers)?.context
            case .b3Single: parsed = try B3SingleHeader.extract(value).context
            case .w3c: parsed = try TraceParentHeader.extract(value)
            case .otSpanContext: parsed = try OTSpanContextHeader.extract(value)
            case .jaeger: parsed = try UberTraceIDHeader.extract(value)
            }
            let context = try #require(parsed, "\(sent.name)")
            #expect(context.traceID == sent.context.traceID, "\(sent.name)")
            #expect(context.spanID == sent.context.spanID, "\(sent.name)")
            let others = PropagationFormat.allCases.filter { $0 != sent.format }.flatMap(\.headerNames)
            #expect(others.allSatisfy { sent.headers[$0] == nil }, "\(sent.name) sends only its own format")
            #expect(sent.context.traceID.is128Bit == !sent.name.hasSuffix("-64"), "\(sent.name)")
            if let id = sent.requestID { #expect(try RequestID(id).value == id) }
        }
        #expect(Set(cases.map(\.context.traceID)).count == cases.count, "each case has its own trace id")
        let debug = try #require(cases.first { $0.name == "b3multi/debug" })
        #expect(debug.headers["x-b3-flags"] == "1")
        #expect(try #require(cases.first { $0.name == "b3single/debug" }).headers["b3"]?.contains("-d-") == true)
        let w3c = try #require(cases.first { $0.name == "w3c/sampled" })
        #expect(w3c.headers["tracestate"] != nil && w3c.headers["baggage"] != nil && w3c.headers["x-request-id"] != nil)
        #expect(w3c.headers["traceparent"]?.hasSuffix("-01") == true)
        #expect(try #require(cases.first { $0.name == "w3c/not-sampled" }).headers["traceparent"]?.hasSuffix("-00") == true)
    }

    @Test("the same seed sends the same ids; another seed others")
    func seeded() {
        #expect(plan(seed: 3) == plan(seed: 3))
        #expect(plan(seed: 3).map(\.context.traceID) != plan(seed: 4).map(\.context.traceID))
    }

    @Test("--formats names what it does not know")
    func formats() throws {
        #expect(try PropagationCasePlan.parseFormats("w3c, b3multi") == [.w3c, .b3Multi])
        #expect(throws: PropagationCheckError.self) { try PropagationCasePlan.parseFormats("b3,zipkin") }
        do {
            _ = try PropagationCasePlan.parseFormats("w3c,zipkin")
            Issue.record("zipkin is not a format")
        } catch {
            #expect(error.description.contains("'zipkin'"))
        }
    }
}

@Suite("Propagation check: the lab's planted bugs")
struct PlantedBugTests {
    @Test("forward-all: every header forwarded unchanged, every format propagates")
    func forwardAll() {
        let result = report(plan()) { [labApp(.forwardAll, $0)] }
        for format in ["b3multi", "b3single", "ot"] { #expect(verdict(result, format) == .propagates, "\(format)") }
        // The lab's apps forward Istio's list, which has no baggage.
        #expect(verdict(result, "w3c") == .propagatesWithWarnings)
        #expect(finding(result, "w3c/sampled", "baggage")?.outcome == .dropped)
        let outcomes = result.cases.flatMap(\.calls).flatMap(\.findings).filter { $0.header != "baggage" }.map(\.outcome)
        #expect(!outcomes.isEmpty && outcomes.allSatisfy { $0 == .forwarded })
        #expect(result.exitCode == 0)
    }

    @Test("drop-b3: B3 multi and single dropped, W3C and OT still propagate")
    func dropB3() {
        let result = report(plan()) { [labApp(.dropB3, $0)] }
        #expect(verdict(result, "b3multi") == .broken)
        #expect(verdict(result, "b3single") == .broken)
        #expect(verdict(result, "w3c") == .propagatesWithWarnings)
        #expect(verdict(result, "ot") == .propagates)
        for header in ["x-b3-traceid", "x-b3-spanid", "x-b3-sampled"] {
            #expect(finding(result, "b3multi/sampled-128", header)?.outcome == .dropped, "\(header)")
            #expect(finding(result, "b3multi/sampled-128", header)?.impact == .breaks, "\(header)")
        }
        #expect(finding(result, "b3single/debug", "b3")?.outcome == .dropped)
        #expect(finding(result, "b3multi/sampled-128", "x-request-id")?.outcome == .forwarded)
        #expect(result.exitCode == 1)
    }

    @Test("only-traceparent: W3C's traceparent gets through, its tracestate and everything else does not")
    func onlyTraceparent() {
        let result = report(plan()) { [labApp(.onlyTraceparent, $0)] }
        #expect(verdict(result, "b3multi") == .broken)
        #expect(verdict(result, "b3single") == .broken)
        #expect(verdict(result, "ot") == .broken)
        #expect(verdict(result, "w3c") == .propagatesWithWarnings)
        #expect(finding(result, "w3c/sampled", "traceparent")?.outcome == .forwarded)
        #expect(finding(result, "w3c/sampled", "tracestate")?.outcome == .dropped)
        #expect(finding(result, "w3c/sampled", "tracestate")?.impact == .warning)
        #expect(finding(result, "w3c/sampled", "x-request-id")?.outcome == .dropped)
    }

    @Test("drop-all: every header of every case dropped")
    func dropAll() {
        let result = report(plan()) { [labApp(.dropAll, $0)] }
        #expect(result.verdicts.allSatisfy { $0.verdict == .broken })
        #expect(result.cases.flatMap(\.calls).flatMap(\.findings).allSatisfy { $0.outcome == .dropped })
        #expect(!result.noDownstreamCall)
    }

    @Test("drop-sampled: the sampling decision is lost, which breaks B3 (the next sidecar decides again)")
    func dropSampled() {
        let result = report(plan([.b3Multi, .b3Single])) { [labApp(.dropSampled, $0)] }
        #expect(verdict(result, "b3multi") == .broken)
        #expect(verdict(result, "b3single") == .broken)
        #expect(finding(result, "b3multi/sampled-128", "x-b3-sampled")?.outcome == .dropped)
        #expect(finding(result, "b3multi/sampled-128", "x-b3-sampled")?.impact == .breaks)
        #expect(finding(result, "b3multi/debug", "x-b3-flags")?.impact == .breaks)
        #expect(finding(result, "b3multi/sampled-128", "x-b3-traceid")?.outcome == .forwarded)
        let single = finding(result, "b3single/sampled-128", "b3")
        #expect(single?.outcome == .corrupted)
        #expect(single?.detail?.contains("sampling decision lost") == true)
    }

    @Test("new-request-id and drop-request-id: warnings, not breaks")
    func requestID() {
        for mode in [PropagationMode.newRequestID, .dropRequestID] {
            let result = report(plan()) { [labApp(mode, $0)] }
            #expect(verdict(result, "b3multi") == .propagatesWithWarnings, "\(mode)")
            #expect(finding(result, "b3multi/sampled-128", "x-request-id")?.outcome == (mode == .newRequestID ? .corrupted : .dropped))
            #expect(result.exitCode == 0)
        }
    }
}

@Suite("Propagation check: apps that make their own spans, and corruptions")
struct RegeneratedContextTests {
    /// An app with an OpenTelemetry-style propagator: a child span, B3 written without a
    /// parent, trace ids always 128 bits, debug written as sampled.
    func otelStyle(_ sent: PropagationCase) throws -> CapturedCall {
        var generator = SplitMix(state: 5)
        var headers = HeaderFields()
        let parsed: SpanContext?
        switch sent.format {
        case .b3Multi: parsed = try B3MultiHeaders.extract(from: sent.headers)?.context
        case .b3Single: parsed = try B3SingleHeader.extract(sent.headers["b3"] ?? "").context
        case .w3c: parsed = try TraceParentHeader.extract(sent.headers["traceparent"] ?? "")
        default: return CapturedCall(host: "ratings", path: "/", headers: [:])
        }
        let incoming = try #require(parsed)
        let widened = try #require(TraceID(high: incoming.traceID.high, low: incoming.traceID.low))
        var child = SpanContext(traceID: widened, spanID: .random(using: &generator),
                                sampling: incoming.sampling == .debug ? .sampled : incoming.sampling)
        switch sent.format {
        case .b3Multi: B3MultiHeaders.inject(child, into: &headers)
        case .b3Single: headers.set(B3SingleHeader.value(for: child), forLowercasedName: "b3")
        default:
            child.sampling = incoming.sampling
            headers.set(TraceParentHeader.value(for: child), forLowercasedName: "traceparent")
            headers.set("tracelab=1," + (sent.headers["tracestate"] ?? ""), forLowercasedName: "tracestate")
            if let baggage = sent.headers["baggage"] { headers.set(baggage.replacingOccurrences(of: ",", with: ", "), forLowercasedName: "baggage") }
        }
        if let id = sent.requestID { headers.set(id, forLowercasedName: "x-request-id") }
        return CapturedCall(host: "ratings", path: "/ratings/0", headers: headers)
    }

    @Test("a child context of the same trace is regenerated-as-child; widened ids are the same trace; lost debug is a warning")
    func childContexts() throws {
        let cases = plan([.b3Multi, .b3Single, .w3c])
        let result = report(cases) { (try? [otelStyle($0)]) ?? [] }
        #expect(finding(result, "b3multi/sampled-128", "x-b3-spanid")?.outcome == .child)
        #expect(finding(result, "b3multi/sampled-128", "x-b3-parentspanid")?.impact == Impact.none)
        let widened = finding(result, "b3multi/not-sampled-64", "x-b3-traceid")
        #expect(widened?.outcome == .forwarded)
        #expect(widened?.detail?.contains("zero-padded") == true)
        #expect(finding(result, "b3multi/debug", "x-b3-flags")?.impact == .warning)
        #expect(finding(result, "b3single/sampled-128", "b3")?.outcome == .child)
        #expect(finding(result, "b3single/debug", "b3")?.impact == .warning)
        #expect(finding(result, "w3c/sampled", "traceparent")?.outcome == .child)
        #expect(finding(result, "w3c/sampled", "tracestate")?.outcome == .child)
        #expect(finding(result, "w3c/sampled", "baggage")?.outcome == .forwarded)
        #expect(verdict(result, "b3multi") == .propagatesWithWarnings)
        #expect(verdict(result, "w3c") == .propagates)
        #expect(result.exitCode == 0)
    }

    @Test("a child whose B3 parent is the incoming span says so")
    func childOfIncoming() throws {
        let sent = try #require(plan([.b3Multi]).first)
        var generator = SplitMix(state: 1)
        var headers = HeaderFields()
        B3MultiHeaders.inject(sent.context.child(using: &generator), into: &headers)
        let findings = PropagationClassifier.classify(sent, call: CapturedCall(host: "x", path: "/", headers: headers))
        let span = try #require(findings.first { $0.header == "x-b3-spanid" })
        #expect(span.outcome == .child)
        #expect(span.detail?.contains("parent = the incoming span") == true)
        #expect(findings.first { $0.header == "x-b3-parentspanid" }?.outcome == .child)
    }

    func call(_ headers: HeaderFields) -> CapturedCall { CapturedCall(host: "ratings", path: "/ratings/0", headers: headers) }

    @Test("another trace id, bad syntax and a flipped decision are corrupted and break the format")
    func corrupted() throws {
        let cases = plan()
        let b3multi = try #require(cases.first { $0.name == "b3multi/sampled-128" })
        var other = b3multi.headers
        other.set("0af7651916cd43dd8448eb211c80319c", forLowercasedName: "x-b3-traceid")
        let otherTrace = PropagationClassifier.classify(b3multi, call: call(other))
        #expect(otherTrace.first { $0.header == "x-b3-traceid" }?.outcome == .corrupted)
        #expect(otherTrace.first { $0.header == "x-b3-traceid" }?.impact == .breaks)

        var flipped = b3multi.headers
        flipped.set("0", forLowercasedName: "x-b3-sampled")
        let flip = try #require(PropagationClassifier.classify(b3multi, call: call(flipped)).first { $0.header == "x-b3-sampled" })
        #expect(flip.outcome == .corrupted && flip.impact == .breaks)
        #expect(flip.detail?.contains("flipped") == true)

        var upper = b3multi.headers
        let spanHex = try #require(b3multi.headers["x-b3-spanid"])
        upper.set(spanHex.uppercased(), forLowercasedName: "x-b3-spanid")
        let bad = try #require(PropagationClassifier.classify(b3multi, call: call(upper)).first { $0.header == "x-b3-spanid" })
        #expect(bad.outcome == .corrupted && bad.impact == .breaks)

        let w3c = try #require(cases.first { $0.name == "w3c/sampled" })
        var unsampled = w3c.headers
        let sentParent = try #require(w3c.headers["traceparent"])
        unsampled.set(String(sentParent.dropLast(2)) + "00", forLowercasedName: "traceparent")
        let parent = try #require(PropagationClassifier.classify(w3c, call: call(unsampled)).first { $0.header == "traceparent" })
        #expect(parent.outcome == .corrupted && parent.impact == .breaks)

        let ot = try #require(cases.first { $0.name == "ot/ids-128" })
        let truncated = PropagationClassifier.classify(ot, call: call(["x-ot-span-context": "abc;def"]))
        #expect(truncated.first?.outcome == .corrupted)

        var lostState = w3c.headers
        lostState.set("congo=t61rcWkgMzE", forLowercasedName: "tracestate")
        let state = try #require(PropagationClassifier.classify(w3c, call: call(lostState)).first { $0.header == "tracestate" })
        #expect(state.outcome == .corrupted && state.impact == .warning && state.detail?.contains("rojo") == true)
    }

    @Test("one good call and one bad call: the case is broken")
    func worstCallCounts() throws {
        let sent = try #require(plan([.w3c]).first)
        let result = CaseResult(case: sent, appStatus: 200, appProblem: nil, calls: [labApp(.forwardAll, sent), labApp(.dropAll, sent)])
        #expect(result.verdict == .broken)
        #expect(result.calls.count == 2)
    }
}

@Suite("Propagation check: verdicts and reports")
struct PropagationReportTests {
    @Test("an app that makes no downstream call is reported as such, not as a pass")
    func noDownstreamCall() {
        let result = report(plan()) { _ in [] }
        #expect(result.noDownstreamCall)
        #expect(result.verdicts.allSatisfy { $0.verdict == .noDownstreamCall })
        #expect(result.exitCode == 1)
        let text = PropagationTextRenderer().render(result)
        #expect(text.contains("no downstream call seen"))
        #expect(!text.contains("✓ propagates"))
        #expect(PropagationJUnitRenderer().render(result).contains(#"failures="10""#))
    }

    @Test("some cases without a call break their format")
    func someCasesWithoutCall() {
        let result = report(plan([.b3Multi])) { $0.name.hasSuffix("debug") ? [] : [labApp(.forwardAll, $0)] }
        #expect(verdict(result, "b3multi") == .broken)
        #expect(result.verdicts.first?.reasons == ["b3multi/debug: no downstream call seen"])
    }

    @Test("JSON round-trips; JUnit counts each broken case; text has a table per header sent")
    func renderers() throws {
        let result = report(plan()) { [labApp(.dropB3, $0)] }
        let decoded = try JSONDecoder().decode(PropagationReport.self, from: Data(result.json().utf8))
        #expect(decoded == result)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.json().utf8)) as? [String: Any])
        let verdicts = try #require(object["verdicts"] as? [[String: Any]])
        #expect(verdicts.map { $0["verdict"] as? String } == ["broken", "broken", "propagates-with-warnings", "propagates"])

        let junit = PropagationJUnitRenderer().render(result)
        #expect(junit.contains(#"tests="10" failures="6""#))
        #expect(junit.contains("x-b3-traceid dropped"))

        let text = PropagationTextRenderer().render(result)
        for header in ["x-b3-traceid", "b3", "traceparent", "tracestate", "x-ot-span-context", "x-request-id", "baggage"] {
            #expect(text.split(separator: "\n").contains(Substring(header)), "a table for \(header)")
        }
        #expect(!text.split(separator: "\n").contains("uber-trace-id"))
        #expect(text.contains("✗ BROKEN"))
        #expect(text.contains("2 of 4 formats propagate"))
    }
}
