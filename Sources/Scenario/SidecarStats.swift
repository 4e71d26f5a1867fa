import LabModel
import ScenarioModel

/// Reads the sidecars' `GET /stats` counters (the proxy's admin contract) and sums them over
/// a lab, so a scenario can assert what the sidecars counted during its run (and the overhead
/// benchmark can report the spans they sent and dropped).
public struct SidecarStats: Sendable {
    let admin: AdminClient
    let target: LabTarget

    public init(admin: AdminClient, target: LabTarget) {
        self.admin = admin
        self.target = target
    }

    public func read(lab: LabName) async -> [SidecarCounterExpectation.Counter: Double]? {
        var total: [SidecarCounterExpectation.Counter: Double] = [:]
        var any = false
        for instance in target.sidecars(of: lab) {
            guard let base = target.sidecarAdmin(instance),
                  let json = try? await admin.send(.GET, base + "/stats") as? [String: Any] else { continue }
            any = true
            for (counter, value) in Self.counters(json) { total[counter, default: 0] += value }
        }
        return any ? total : nil
    }

    static func counters(_ json: [String: Any]) -> [SidecarCounterExpectation.Counter: Double] {
        func number(_ section: String, _ key: String) -> Double {
            ((json[section] as? [String: Any])?[key] as? NSNumberLike)?.doubleValue ?? 0
        }
        return [
            .spansReported: number("spans", "reported"),
            .spansDropped: number("spans", "dropped"),
            .failedBatches: number("spans", "failedBatches"),
            .faultsDelayed: number("faults", "delayed"),
            .faultsAborted: number("faults", "aborted"),
            .responses5xx: number("responses", "5xx"),
        ]
    }

    static func delta(before: [SidecarCounterExpectation.Counter: Double], after: [SidecarCounterExpectation.Counter: Double]) -> [SidecarCounterExpectation.Counter: Double] {
        var result: [SidecarCounterExpectation.Counter: Double] = [:]
        for (counter, value) in after { result[counter] = max(0, value - (before[counter] ?? 0)) }
        return result
    }
}
