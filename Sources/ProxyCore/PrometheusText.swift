/// `GET /metrics` in the Prometheus text exposition format 0.0.4.
public enum PrometheusText {
    public static func render(runtime: ProxyRuntime) -> String {
        let stats = runtime.statistics.snapshot
        let spans = runtime.reporterStatistics?() ?? .init()
        let labels = "service=\(JSONText.quoted(runtime.initialSettings.service)),node_id=\(JSONText.quoted(runtime.initialSettings.nodeID))"
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(String, String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (extra, value) in samples {
                out += "\(name){\(labels)\(extra.isEmpty ? "" : "," + extra)} \(value)\n"
            }
        }
        metric("tracelab_proxy_requests_total", "counter", "Requests received, by listener.", [
            ("direction=\"inbound\"", "\(stats.inboundRequests)"), ("direction=\"outbound\"", "\(stats.outboundRequests)"),
        ])
        metric("tracelab_proxy_responses_total", "counter", "Responses sent, by status class.", [
            ("class=\"2xx\"", "\(stats.responses2xx)"), ("class=\"3xx\"", "\(stats.responses3xx)"),
            ("class=\"4xx\"", "\(stats.responses4xx)"), ("class=\"5xx\"", "\(stats.responses5xx)"),
        ])
        metric("tracelab_proxy_rejected_requests_total", "counter", "Requests refused as malformed (400/431).", [("", "\(stats.rejectedRequests)")])
        metric("tracelab_proxy_upstream_connect_failures_total", "counter", "Upstream connections that could not be opened.", [("", "\(stats.connectFailures)")])
        metric("tracelab_proxy_upstream_timeouts_total", "counter", "Requests that hit their route timeout.", [("", "\(stats.timeouts)")])
        metric("tracelab_proxy_faults_total", "counter", "Injected faults.", [
            ("fault=\"delay\"", "\(stats.faultsDelayed)"), ("fault=\"abort\"", "\(stats.faultsAborted)"),
        ])
        metric("tracelab_proxy_spans_reported_total", "counter", "Spans the collector accepted.", [("", "\(spans.reported)")])
        metric("tracelab_proxy_spans_dropped_total", "counter", "Spans dropped (queue full, collector slow or down).", [("", "\(spans.dropped)")])
        metric("tracelab_proxy_spans_queued", "gauge", "Spans waiting to be sent.", [("", "\(spans.queued)")])
        metric("tracelab_proxy_span_batches_failed_total", "counter", "Span POSTs that failed.", [("", "\(spans.failedBatches)")])
        metric("tracelab_proxy_span_encoding_info", "gauge", "The encoding of span POSTs (json or proto3).",
               [("encoding=\"\(runtime.initialSettings.zipkinEncoding.rawValue)\"", "1")])
        metric("tracelab_proxy_span_log_written_total", "counter", "Spans appended to --span-log.", [("", "\(spans.logWritten)")])
        metric("tracelab_proxy_span_log_dropped_total", "counter", "Spans not written to --span-log (queue full or failed write).", [("", "\(spans.logDropped)")])
        metric("tracelab_proxy_span_log_write_errors_total", "counter", "Writes to --span-log that failed.", [("", "\(spans.logWriteErrors)")])
        out += "# HELP tracelab_proxy_request_duration_seconds Time from request head to the end of the response.\n"
        out += "# TYPE tracelab_proxy_request_duration_seconds histogram\n"
        for (index, direction) in ["inbound", "outbound"].enumerated() {
            var cumulative: UInt64 = 0
            for (bucket, bound) in ProxyStatistics.latencyBuckets.enumerated() {
                cumulative += stats.latencyBucketCounts[index][bucket]
                out += "tracelab_proxy_request_duration_seconds_bucket{\(labels),direction=\"\(direction)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "tracelab_proxy_request_duration_seconds_bucket{\(labels),direction=\"\(direction)\",le=\"+Inf\"} \(stats.latencyCount[index])\n"
            out += "tracelab_proxy_request_duration_seconds_sum{\(labels),direction=\"\(direction)\"} \(stats.latencySumSeconds[index])\n"
            out += "tracelab_proxy_request_duration_seconds_count{\(labels),direction=\"\(direction)\"} \(stats.latencyCount[index])\n"
        }
        return out
    }
}
