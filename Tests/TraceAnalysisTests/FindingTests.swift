import Testing
import TraceContext
import Zipkin
@testable import TraceAnalysis

/// One broken trace and the finding it must produce.
struct FindingCase: Sendable, CustomTestStringConvertible {
    var name: String
    var spans: [ZipkinSpan]
    var options = TraceAnalysisOptions()
    var kind: TraceFinding.Kind
    var code: TraceFinding.Cause
    var hop: String?
    var brokenLink: Bool
    var testDescription: String { name }
}

private typealias F = SpanFactory

private func without(_ spans: [ZipkinSpan], _ drop: (ZipkinSpan) -> Bool) -> [ZipkinSpan] { spans.filter { !drop($0) } }
private func isRatingsCall(_ span: ZipkinSpan) -> Bool {
    (span.kind == .client && span.remoteServiceName == "ratings") || (span.kind == .server && span.localServiceName == "ratings")
}
private func changing(_ spans: [ZipkinSpan], where match: (ZipkinSpan) -> Bool, _ change: (inout ZipkinSpan) -> Void) -> [ZipkinSpan] {
    spans.map { span in
        var copy = span
        if match(span) { change(&copy) }
        return copy
    }
}

let findingCases: [FindingCase] = [
    FindingCase(
        name: "a missing SERVER span leaves its children orphaned",
        spans: without(F.bookinfoW3C()) { $0.id.value == 13 },
        kind: .orphan, code: .orphan, hop: "productpage-v1 -> reviews", brokenLink: true
    ),
    FindingCase(
        name: "a CLIENT span whose callee never reported is a broken link",
        spans: without(F.bookinfoW3C()) { $0.id.value == 13 },
        kind: .unansweredClient, code: .missingSpan, hop: "productpage-v1 -> reviews", brokenLink: true
    ),
    FindingCase(
        name: "a second span without parent is a second root",
        spans: F.bookinfoB3() + [F.sidecar(99, .server, service: "productpage", from: 200, to: 210)],
        kind: .multipleRoots, code: .multipleRoots, hop: nil, brokenLink: true
    ),
    FindingCase(
        name: "parent links that loop are cut and reported",
        spans: F.bookinfoB3() + [
            F.sidecar(5, parent: 6, .server, service: "loop", from: 1, to: 2),
            F.sidecar(6, parent: 5, .server, service: "loop", from: 1, to: 2),
        ],
        kind: .cycle, code: .cycle, hop: nil, brokenLink: true
    ),
    FindingCase(
        name: "ratings never answering reviews-v2 is named at that hop",
        spans: without(F.bookinfoB3()) { $0.kind == .server && $0.localServiceName == "ratings" },
        kind: .unansweredClient, code: .missingSpan, hop: "reviews-v2 -> ratings", brokenLink: true
    ),
    FindingCase(
        name: "a shared SERVER span whose CLIENT span was lost",
        spans: without(F.bookinfoB3()) { $0.kind == .client && $0.remoteServiceName == "ratings" },
        kind: .callerMissing, code: .missingSpan, hop: "reviews-v2 -> ratings", brokenLink: true
    ),
    FindingCase(
        name: "a W3C SERVER span hanging from the caller's SERVER span: the app bypassed its sidecar",
        spans: changing(without(F.bookinfoW3C()) { $0.kind == .client && $0.remoteServiceName == "ratings" }, where: { $0.id.value == 14 }) {
            $0.parentID = F.id(13)
        },
        kind: .callerMissing, code: .bypassedSidecar, hop: "reviews-v2 -> ratings", brokenLink: false
    ),
    FindingCase(
        name: "a B3 SERVER span reusing the caller's SERVER id: the app bypassed its sidecar",
        spans: without(F.bookinfoB3(), isRatingsCall) + [F.sidecar(3, parent: 1, .server, service: "ratings", from: 50, to: 80, shared: true)],
        kind: .duplicateSpanID, code: .bypassedSidecar, hop: "reviews-v2 -> ratings", brokenLink: false
    ),
    FindingCase(
        name: "two requests with the same fixed b3 header collide",
        spans: [
            F.sidecar(7, .server, service: "productpage", from: 0, to: 10, requestID: F.requestID),
            F.sidecar(7, .server, service: "productpage", from: 20, to: 30, requestID: F.otherRequestID),
        ],
        kind: .duplicateSpanID, code: .reusedContext, hop: "? -> productpage", brokenLink: false
    ),
    FindingCase(
        name: "two different CLIENT spans with one id",
        spans: F.bookinfoB3() + [F.sidecar(2, parent: 1, .client, service: "productpage", remote: "details", from: 40, to: 45)],
        kind: .duplicateSpanID, code: .duplicateSpanID, hop: "productpage-v1 -> details", brokenLink: false
    ),
    FindingCase(
        name: "a trace starting at a sidecar's outbound call is a fragment",
        spans: [
            F.sidecar(4, .client, service: "reviews", node: "reviews-v2", remote: "ratings", from: 50, to: 80, trace: F.traceB),
            F.sidecar(4, .server, service: "ratings", from: 51, to: 79, shared: true, trace: F.traceB),
        ],
        kind: .fragment, code: .missingContext, hop: "reviews-v2 -> ratings", brokenLink: true
    ),
    FindingCase(
        name: "a trace starting at a service that is not an entry of the lab is a fragment",
        spans: SplitFixtures.formatMismatchB,
        options: TraceAnalysisOptions(entryServices: ["productpage", "service-a"]),
        kind: .fragment, code: .missingContext, hop: "? -> ratings", brokenLink: true
    ),
    FindingCase(
        name: "a new x-request-id below reviews-v2",
        spans: changing(F.bookinfoB3(), where: isRatingsCall) { $0.tags["guid:x-request-id"] = F.otherRequestID },
        kind: .requestIDMismatch, code: .newRequestID, hop: "reviews-v2 -> ratings", brokenLink: false
    ),
    FindingCase(
        name: "a sidecar span without x-request-id below one that had it",
        spans: changing(
            changing(F.bookinfoB3(), where: { $0.kind == .client && $0.remoteServiceName == "ratings" }) { $0.tags["guid:x-request-id"] = nil },
            where: { $0.kind == .server && $0.localServiceName == "ratings" }
        ) { $0.tags["guid:x-request-id"] = F.otherRequestID },
        kind: .requestIDMismatch, code: .missingRequestID, hop: "reviews-v2 -> ratings", brokenLink: false
    ),
    FindingCase(
        name: "a debug trace losing its debug flag below reviews-v2",
        spans: changing(F.bookinfoB3(debug: true), where: isRatingsCall) { $0.debug = false },
        kind: .samplingMismatch, code: .missingSampled, hop: "reviews-v2 -> ratings", brokenLink: false
    ),
    FindingCase(
        name: "debug turned on mid-trace",
        spans: changing(F.bookinfoB3(), where: isRatingsCall) { $0.debug = true },
        kind: .samplingMismatch, code: .samplingMismatch, hop: "reviews-v2 -> ratings", brokenLink: false
    ),
    FindingCase(
        name: "an expected hop that did not happen",
        spans: without(F.bookinfoB3(), isRatingsCall),
        options: TraceAnalysisOptions(expectedHops: [HopPattern(caller: "reviews", callee: "ratings")]),
        kind: .missingHop, code: .missingHop, hop: "reviews -> ratings", brokenLink: false
    ),
    FindingCase(
        name: "fewer spans than the topology makes",
        spans: F.bookinfoB3(),
        options: TraceAnalysisOptions(expectedSpanCount: 8),
        kind: .spanCountMismatch, code: .spanCount, hop: nil, brokenLink: false
    ),
    FindingCase(
        name: "spans of another trace mixed in",
        spans: F.bookinfoB3() + [F.sidecar(77, parent: 1, .client, service: "productpage", remote: "details", from: 1, to: 2, trace: F.traceB)],
        kind: .mixedTraceIDs, code: .mixedTraceIDs, hop: nil, brokenLink: false
    ),
    FindingCase(
        name: "no spans at all",
        spans: [],
        kind: .empty, code: .noSpans, hop: nil, brokenLink: false
    ),
]

@Suite("findings of broken traces")
struct FindingTests {
    @Test("each defect yields its finding, hop and cause code", arguments: findingCases)
    func finding(_ testCase: FindingCase) throws {
        let verdict = TraceAnalyzer.analyze(testCase.spans, options: testCase.options)
        #expect(!verdict.complete)
        let finding = try #require(verdict.findings.first { $0.kind == testCase.kind }, "findings: \(verdict.findings)")
        #expect(finding.code == testCase.code)
        #expect(finding.hop == testCase.hop)
        #expect(finding.severity == .error)
        #expect(finding.brokenLink == testCase.brokenLink)
        #expect(!finding.cause.isEmpty)
        // Findings are reported once per hop, not once per span below it.
        #expect(verdict.findings.filter { $0.kind == testCase.kind && $0.hop == testCase.hop }.count == 1)
        // Every defect is found whatever order the spans arrive in.
        #expect(TraceAnalyzer.analyze(testCase.spans.reversed(), options: testCase.options) == verdict)
    }

    @Test("causes name the culprit in words")
    func causeWords() throws {
        let spans = changing(F.bookinfoB3(), where: isRatingsCall) { $0.tags["guid:x-request-id"] = F.otherRequestID }
        let finding = try #require(TraceAnalyzer.analyze(spans).findings.first)
        #expect(finding.cause.hasPrefix("reviews-v2 did not pass on the x-request-id it received"))
        #expect(finding.cause.contains(F.requestID) && finding.cause.contains(F.otherRequestID))
    }

    @Test("64-bit and 128-bit forms of one trace id are only a warning")
    func shortenedTraceID() throws {
        let shortened = F.traceA.low
        var spans = F.bookinfoB3()
        spans[6].traceID = try #require(TraceID(low: shortened))
        let verdict = TraceAnalyzer.analyze(spans)
        #expect(verdict.complete)
        #expect(verdict.traceID == F.traceA.hex)
        #expect(verdict.findings.map(\.kind) == [.mixedTraceIDs])
        #expect(verdict.findings.first?.severity == .warning)
    }

    @Test("entry services accept the lab's entries by service or node id")
    func entries() {
        #expect(TraceAnalyzer.analyze(F.bookinfoB3(), options: .init(entryServices: ["productpage"])).complete)
        #expect(TraceAnalyzer.analyze(F.bookinfoB3(), options: .init(entryServices: ["ProductPage-v1"])).complete)
        #expect(TraceAnalyzer.analyze(SplitFixtures.formatMismatchB).complete)
    }

    @Test("Istio-style upstream clusters name the callee when the remote endpoint is missing")
    func istioCluster() throws {
        var spans = without(F.bookinfoB3()) { $0.kind == .server && $0.localServiceName == "ratings" }
        let index = try #require(spans.firstIndex { $0.kind == .client && $0.remoteServiceName == "ratings" })
        spans[index].remoteEndpoint = nil
        spans[index].tags["upstream_cluster"] = "outbound|9080||ratings.default.svc.cluster.local"
        #expect(TraceAnalyzer.analyze(spans).findings.first?.hop == "reviews-v2 -> ratings")
    }

    @Test("OpenTelemetry's debug flag on every sampled span is not a sampling mismatch")
    func otelDebugIgnored() {
        var spans = F.bookinfoB3()
        spans[6].debug = true
        spans[6].tags["telemetry.sdk.name"] = "opentelemetry"
        #expect(TraceAnalyzer.analyze(spans).complete)
    }
}
