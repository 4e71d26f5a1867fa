/// The `GET /stats` JSON (the contract's shape).
public enum ProxyStatsDocument {
    public static func json(runtime: ProxyRuntime) -> String {
        let stats = runtime.statistics.snapshot
        let spans = runtime.reporterStatistics?() ?? .init()
        return """
        {"requests":{"inbound":\(stats.inboundRequests),"outbound":\(stats.outboundRequests)},\
        "responses":{"2xx":\(stats.responses2xx),"4xx":\(stats.responses4xx),"5xx":\(stats.responses5xx)},\
        "spans":{"reported":\(spans.reported),"dropped":\(spans.dropped),"queued":\(spans.queued),"failedBatches":\(spans.failedBatches)},\
        "upstream":{"connectFailures":\(stats.connectFailures),"timeouts":\(stats.timeouts)},\
        "faults":{"delayed":\(stats.faultsDelayed),"aborted":\(stats.faultsAborted)},\
        "downstream":{"open":\(stats.openConnections),"refused":\(stats.refusedConnections),\
        "requestHeadTimeouts":\(stats.requestHeadTimeouts),"idleClosed":\(stats.idleConnectionsClosed),"rejectedRequests":\(stats.rejectedRequests)}}
        """
    }
}
