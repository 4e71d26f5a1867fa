import Foundation
import Testing
@testable import TraceAnalysis

@Suite("verdict JSON")
struct VerdictJSONTests {
    @Test("the verdict encodes with the field names the UI and scenario runner read, and decodes back")
    func roundTrip() throws {
        let set = TraceAnalyzer.analyze(traces: [SplitFixtures.formatMismatchA, SplitFixtures.formatMismatchB])
        let verdict = set.traces[0]
        let data = try JSONEncoder().encode(verdict)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["traceID", "complete", "spanCount", "findings", "rootSpanIDs", "services", "requestIDs", "durationMicroseconds", "hops", "criticalPath", "selfTime", "clockSkew", "adjustedSpans"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let finding = try #require((object["findings"] as? [[String: Any]])?.first)
        #expect(finding["kind"] as? String == "split-hop")
        #expect(finding["code"] as? String == "format-mismatch")
        #expect(finding["hop"] as? String == "reviews-v2 -> ratings")
        #expect(finding["severity"] as? String == "error")
        #expect(finding["brokenLink"] as? Bool == true)
        #expect(finding["ambiguous"] as? Bool == false)
        #expect(finding["relatedTraceIDs"] as? [String] == [SpanFactory.traceB.hex])
        let request = try #require(object["request"] as? [String: Any])
        for key in ["complete", "requestID", "requestIDs", "traceIDs", "fragments", "breaks", "ambiguous", "summary"] {
            #expect(request[key] != nil, "missing request.\(key)")
        }
        let brokenHop = try #require((request["breaks"] as? [[String: Any]])?.first)
        #expect(brokenHop["matchedBy"] as? String == "request-id")
        #expect(brokenHop["hop"] as? String == "reviews-v2 -> ratings")
        for key in ["traceID", "complete", "rootSpanID", "rootService", "rootKind", "startTimestamp", "durationMicroseconds", "spanCount", "requestIDs", "entry", "possible"] {
            #expect((request["fragments"] as? [[String: Any]])?.first?[key] != nil, "missing request.fragments[0].\(key)")
        }
        #expect(try JSONDecoder().decode(TraceVerdict.self, from: data) == verdict)
        #expect(try JSONDecoder().decode(TraceSetVerdict.self, from: JSONEncoder().encode(set)) == set)
    }

    @Test("every kind and cause code is kebab-case, as scenario files write them")
    func codes() {
        let valid = { (text: String) in text.allSatisfy { $0.isLowercase || $0 == "-" || $0.isNumber } }
        #expect(TraceFinding.Kind.allCases.allSatisfy { valid($0.rawValue) })
        #expect(TraceFinding.Cause.allCases.allSatisfy { valid($0.rawValue) })
        #expect(TraceFinding.Cause(rawValue: "missing-b3") == .missingB3)
    }
}
