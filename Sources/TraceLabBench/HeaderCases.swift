import TraceContext

/// The trace-header figures: what a sidecar does per request for each format.
enum HeaderCases {
    // Realistic inbound headers: a few ordinary ones before the trace headers, so lookups
    // walk past them as they would in a real request.
    static let traceIDHex = "463ac35c9f6413ad48485a3953bb6124"
    static let spanIDHex = "a2fb4a1d1a96d312"
    static let parentIDHex = "0020000000000001"
    static let requestID = "2d6959d7-b805-4b75-a719-7ce350512fb7"
    static let ordinary: [(name: String, value: String)] = [
        ("Host", "reviews:9080"), ("User-Agent", "curl/7.88.1"), ("Accept", "*/*"), ("x-request-id", requestID),
    ]

    static func run(_ stopwatch: Stopwatch, checksum: inout UInt64) -> [BenchmarkResult] {
        var results: [BenchmarkResult] = []

        let multi = HeaderFields(ordinary + [
            ("X-B3-TraceId", traceIDHex), ("X-B3-SpanId", spanIDHex),
            ("X-B3-ParentSpanId", parentIDHex), ("X-B3-Sampled", "1"),
        ])
        var multiOut = HeaderFields(ordinary)
        results.append(stopwatch.measure("b3-multi extract+inject", unit: "op", operationsPerCall: 1, target: CodecBenchmark.headerTarget, checksum: &checksum) {
            guard let context = (try? B3MultiHeaders.extract(from: multi))?.context else { return 0 }
            B3MultiHeaders.inject(context, into: &multiOut)
            return context.spanID.value
        })

        let single = "\(traceIDHex)-\(spanIDHex)-1-\(parentIDHex)"
        results.append(stopwatch.measure("b3-single extract+inject", unit: "op", operationsPerCall: 1, target: CodecBenchmark.headerTarget, checksum: &checksum) {
            guard let context = (try? B3SingleHeader.extract(single))?.context else { return 0 }
            return UInt64(B3SingleHeader.value(for: context).utf8.count) &+ context.spanID.value
        })

        let traceparent = "00-\(traceIDHex)-\(spanIDHex)-01"
        results.append(stopwatch.measure("traceparent extract+inject", unit: "op", operationsPerCall: 1, target: CodecBenchmark.headerTarget, checksum: &checksum) {
            guard let context = try? TraceParentHeader.extract(traceparent) else { return 0 }
            return UInt64(TraceParentHeader.value(for: context).utf8.count) &+ context.spanID.value
        })

        results.append(stopwatch.measure("x-request-id parse", unit: "op", operationsPerCall: 1, target: CodecBenchmark.headerTarget, checksum: &checksum) {
            guard let id = try? RequestID(requestID) else { return 0 }
            return UInt64(id.value.utf8.count)
        })

        // The whole sidecar step, for context: read every configured format, write the child
        // in B3 multi and W3C. No target; it is what the proxy pays per hop.
        let propagation = TraceContextPropagation(extractOrder: [.b3Single, .b3Multi, .w3c], injectFormats: [.b3Multi, .w3c])
        var generator = SystemRandomNumberGenerator()
        var propagationOut = HeaderFields(ordinary)
        results.append(stopwatch.measure("propagation extract+child+inject (b3multi,w3c)", unit: "op", operationsPerCall: 1, checksum: &checksum) {
            guard let context = propagation.extract(from: multi).context else { return 0 }
            let child = context.child(using: &generator)
            propagation.inject(child, into: &propagationOut)
            return child.spanID.value
        })
        return results
    }
}
