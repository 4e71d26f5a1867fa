/// The `GET /stats` JSON (the contract's shape). Every value is a counter except
/// `spans.encoding`, the body format of the POSTs to the collector (`json` or `proto3`).
public enum ProxyStatsDocument {
    public static func json(runtime: ProxyRuntime) -> String {
        let stats = runtime.statistics.snapshot
        let spans = runtime.reporterStatistics?() ?? .init()
        return """
        {"requests":{"inbound":\(stats.inboundRequests),"outbound":\(stats.outboundRequests)},\
        "responses":{"2xx":\(stats.responses2xx),"4xx":\(stats.responses4xx),"5xx":\(stats.responses5xx)},\
        "spans":{"reported":\(spans.reported),"dropped":\(spans.dropped),"queued":\(spans.queued),"failedBatches":\(spans.failedBatches),\
        "encoding":"\(runtime.initialSettings.zipkinEncoding.rawValue)"},\
        "spanLog":{"written":\(spans.logWritten),"dropped":\(spans.logDropped),"queued":\(spans.logQueued),"writeErrors":\(spans.logWriteErrors)},\
        "upstream":{"connectFailures":\(stats.connectFailures),"timeouts":\(stats.timeouts)},\
        "faults":{"delayed":\(stats.faultsDelayed),"aborted":\(stats.faultsAborted)},\
        "downstream":{"open":\(stats.openConnections),"refused":\(stats.refusedConnections),\
        "requestHeadTimeouts":\(stats.requestHeadTimeouts),"idleClosed":\(stats.idleConnectionsClosed),"rejectedRequests":\(stats.rejectedRequests)}}
        """
    }
}
