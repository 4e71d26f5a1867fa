import Foundation
import LabModel
import Testing

@Suite("Lab state")
struct LabStateTests {
    @Test("lab.json round-trips and finds sidecars and apps by node id")
    func roundTrip() throws {
        let plan = try LabPlan.make(LabConfiguration(selection: .all))
        let processes = plan.processes.enumerated().map { LabState.ProcessState(spec: $1, pid: Int32(1000 + $0)) }
        let state = LabState(
            lab: .all, supervisorPID: 42, detached: true, startedAt: 1_700_000_000, startupMilliseconds: 1234,
            collectorURL: plan.collectorURL, zipkinURL: plan.zipkinURL, uiURL: plan.collectorURL + "/",
            entries: plan.entries, processes: processes, plan: plan
        )
        let data = try JSONEncoder().encode(state)
        let decoded = try JSONDecoder().decode(LabState.self, from: data)
        #expect(decoded == state)
        #expect(decoded.sidecar(nodeID: "reviews-v2")?.adminURL == "http://127.0.0.1:15014")
        #expect(decoded.app(nodeID: "service-b-v1")?.adminURL == "http://127.0.0.1:15031/admin/propagation")
        #expect(decoded.entryURL(of: .chain) == "http://127.0.0.1:8080/")
        let json = try #require(String(data: data, encoding: .utf8))
        #expect(json.contains("\"127.0.0.1:9411\""))
    }
}
