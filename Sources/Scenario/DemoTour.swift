import ScenarioModel

/// The two lessons `tracelab demo` runs, built in so the demo works from any directory: the
/// happy path through bookinfo, then reviews-v2 forgetting the B3 headers.
public enum DemoTour {
    /// Sidecars that read B3 only, like Istio's Envoy with the Zipkin tracer: a service that
    /// forgets the B3 headers breaks the trace even though it forwards `traceparent`.
    public static let requirements = LabRequirements(lab: .bookinfo, sidecarPropagation: "b3multi,b3single")

    static let happyPath = """
    name: demo-1-happy-path
    lesson:
      title: Every hop forwards the trace headers, so each request is one complete trace.
    lab: bookinfo
    setup:
      sidecar_propagation: b3multi,b3single
    traffic: {path: /productpage, requests: 30, concurrency: 3}
    expect:
      traces: 30
      complete: true
      status: 200
      shape: {path: productpage -> reviews, in: all}
    """

    static let brokenPropagation = """
    name: demo-2-reviews-forgets-b3
    lesson:
      title: reviews-v2 forgets the B3 headers, so the ratings call starts a new trace.
    lab: bookinfo
    setup:
      sidecar_propagation: b3multi,b3single
      routes: {reviews: {v1: 0, v2: 100, v3: 0}}
      propagation: {reviews-v2: drop-b3}
    traffic: {path: /productpage, requests: 20, concurrency: 2}
    expect:
      traces: 20
      complete: false
      broken_links: {at: "reviews-v2 -> ratings", cause: missing-b3}
      status: 200
    """

    /// The tour's scenarios, parsed (a parse error is a bug of this file, reported as such).
    public static func scenarios() throws(ScenarioError) -> [ScenarioDefinition] {
        [
            try ScenarioLoader.parse(yaml: happyPath, file: "(demo) happy path"),
            try ScenarioLoader.parse(yaml: brokenPropagation, file: "(demo) broken propagation"),
        ]
    }
}
