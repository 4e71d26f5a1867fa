"""A DELIBERATELY BROKEN reviews (or ratings): the by-hand example with a shorter header list.
It forwards x-request-id and the W3C headers (traceparent, tracestate) and forgets B3, as an
app written for W3C alone does. Behind sidecars that speak B3 only (Istio's Envoy with the
Zipkin tracer, or `sidecar_propagation: b3multi,b3single` in a lesson) the trace breaks at
its outgoing call, and `tracelab run` names that hop: `reviews-v2 -> ratings`.

    tracelab run --replace 'reviews-v2=cmd:python3 examples/python-forgets-b3/app.py' scenarios/11-your-own-service.yaml
"""
import importlib.util
import os

# Load the working example and change only what this one gets wrong.
here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("by_hand", os.path.join(here, "..", "python-by-hand", "app.py"))
by_hand = importlib.util.module_from_spec(spec)
spec.loader.exec_module(by_hand)

by_hand.FORWARDED = ["x-request-id", "traceparent", "tracestate"]  # the bug: no x-b3-*, no b3

if __name__ == "__main__":
    by_hand.main("python, forwards W3C only: BROKEN on purpose, forgets B3")
