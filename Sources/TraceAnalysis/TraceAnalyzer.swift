import TraceContext
import Zipkin

/// Judges one trace as docs/ARCHITECTURE.md "What complete and broken mean" says.
///
/// A trace is complete when no finding has severity `error`: exactly one root; every
/// `parentId` resolves; every CLIENT span has a SERVER (or a further CLIENT of its own
/// service, an egress chain) below it and every SERVER span a CLIENT above it; span ids are
/// unique within a kind; `guid:x-request-id` and the debug flag agree along every path; the
/// expected hops and span count are met. Children outside their parent beyond the tolerance
/// are a clock-skew warning, and the times are corrected, not failed.
///
/// How causes are inferred from one trace alone:
/// - the trace starts at a sidecar's CLIENT span (`component: proxy`): the app called out
///   without trace headers and its sidecar started a new trace → `missing-context`
///   (`TraceSetAnalyzer` refines this to `missing-b3` or `missing-trace-headers` with other
///   traces);
/// - a CLIENT span nobody answered: `upstream-failed` when it carries an error (the call
///   never reached the callee: fault abort, refused connection), else `missing-span`
///   (refined to `format-mismatch` when the callee's SERVER span turns up in another trace);
/// - a SERVER span under a span of another service that is not a CLIENT: a `shared` one lost
///   its caller's CLIENT span (`missing-span`), a non-shared one was called by an app that
///   bypassed its sidecar (`bypassed-sidecar`);
/// - two SERVER spans with one id from different services, one inside the other: the app
///   passed its incoming B3 ids straight to the next service (`bypassed-sidecar`); from one
///   service with different request ids: a client replayed the same headers (`reused-context`);
/// - `guid:x-request-id` absent on a sidecar span below one that had it: `missing-request-id`;
///   different: `new-request-id`, named at the hop where it changed. TraceLab's and Envoy's
///   sidecars make up an id when the app sent none, so an app that drops x-request-id and
///   one that sends a new one both show as `new-request-id`: the spans cannot tell them apart;
/// - debug on above a hop and off below: `missing-sampled` (the app dropped `x-b3-flags` /
///   `x-b3-sampled` and the next sidecar decided again). OpenTelemetry SDK spans are ignored
///   here because its Zipkin exporter marks every sampled span debug. Without debug a lost
///   sampling decision is invisible while the next sidecar samples 100 %; below 100 % it
///   shows as a CLIENT span nobody answered (`missing-span`): a span that was never recorded
///   cannot say why;
/// - a call that failed before the callee answered names why from `response_flags`
///   (`FI` injected abort, `UF` connection failure, `UT` timeout, `NR` no route).
public enum TraceAnalyzer {
    /// Analyses the spans of one trace (any order, any batching).
    public static func analyze(_ spans: [ZipkinSpan], options: TraceAnalysisOptions = .init()) -> TraceVerdict {
        TraceInspection(spans: spans, options: options).verdict()
    }

    /// Analyses several traces together, so a hop split across two traces (same
    /// x-request-id, different trace ids) is found and named. See `TraceSetAnalyzer`.
    public static func analyze(traces: [[ZipkinSpan]], options: TraceAnalysisOptions = .init()) -> TraceSetVerdict {
        TraceSetAnalyzer(options: options).analyze(traces)
    }

    /// Groups spans by trace id, then analyses the traces together.
    public static func analyze(spansOfManyTraces spans: [ZipkinSpan], options: TraceAnalysisOptions = .init()) -> TraceSetVerdict {
        var groups: [TraceID: [ZipkinSpan]] = [:]
        for span in spans { groups[span.traceID, default: []].append(span) }
        let traces = groups.sorted { $0.key < $1.key }.map(\.value)
        return analyze(traces: traces, options: options)
    }
}
