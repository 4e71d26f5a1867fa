/// Hands each span to several reporters: a sidecar with both `--zipkin` and `--span-log`
/// sends to its collector and appends to its log.
///
/// Each reporter keeps the `SpanReporter` contract on its own (its own queue, its own drops),
/// so a slow disk never costs the collector spans and a dead collector never costs the log any.
public struct FanOutSpanReporter: SpanReporter {
    public let reporters: [any SpanReporter]

    public init(_ reporters: [any SpanReporter]) {
        self.reporters = reporters
    }

    public func report(_ span: ZipkinSpan) {
        for reporter in reporters { reporter.report(span) }
    }
}
