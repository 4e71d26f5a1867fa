#!/usr/bin/env python3
"""Writes the course page's test data: the results file `tracelab run` saves
(`.tracelab/runs/last.json`, the `--report json` document) for two lessons, naming traces
make_spans.py posts, and a lesson file with a typo beside copies of scenarios/*.yaml.

  01-happy-path          passed; judged the complete trace ...a1
  03-reviews-forgets-b3  failed on purpose here (an assertion with a failure at
                         reviews-v2 -> ratings in trace ...b2); judged ...b2 (broken) and ...c3
  99-typo.yaml           a lesson file with an unknown key: listed with the parser's message

Usage: make_course_results.py SCENARIOS_DIR OUT_DIR   (writes OUT_DIR/scenarios/, OUT_DIR/last.json)
"""
import json
import os
import shutil
import sys

source, out = sys.argv[1], sys.argv[2]
lessons = os.path.join(out, "scenarios")
shutil.rmtree(lessons, ignore_errors=True)
os.makedirs(lessons)
for name in sorted(os.listdir(source)):
    if name.endswith(".yaml"):
        shutil.copy(os.path.join(source, name), lessons)
with open(os.path.join(lessons, "99-typo.yaml"), "w") as f:
    f.write("name: 99-typo\nlesson: A lesson with a typo\nlab: bookinfo\nexpect:\n  complet: true\n")


def result(field, passed, expected, seen, failures=()):
    return {"field": field, "passed": passed, "expected": expected, "seen": seen,
            "failures": list(failures), "failureCount": len(failures)}


report = {"passed": False, "scenarios": [
    {"name": "01-happy-path", "file": "scenarios/01-happy-path.yaml", "lab": "bookinfo",
     "lesson": {"title": "What does a complete trace through bookinfo look like?"},
     "passed": True, "traceCount": 1, "durationMillis": 2400, "finishedAt": "2026-12-03T10:00:00Z",
     "traffic": {"sent": 1, "errors": 0},
     "results": [result("expect.traces", True, "1 trace", "1 trace"),
                 result("verifier.ui_verdicts", True, "the UI's verdict agrees", "all 1 agree")],
     "goodTrace": {"traceID": "00000000000000a1", "why": "a complete trace", "waterfall": ""},
     "traces": [{"traceID": "00000000000000a1", "complete": True, "breaks": []}]},
    {"name": "03-reviews-forgets-b3", "file": "scenarios/03-reviews-forgets-b3.yaml", "lab": "bookinfo",
     "lesson": {"title": "Why did the trace break after reviews?"},
     "passed": False, "traceCount": 2, "durationMillis": 3100, "finishedAt": "2026-12-03T10:01:00Z",
     "traffic": {"sent": 1, "errors": 0},
     "results": [result("expect.traces", True, "1 trace", "1 trace"),
                 result("expect.broken_links", False, "reviews-v2 -> ratings: missing-b3", "format-mismatch",
                        [{"traceID": "00000000000000b2", "hop": "reviews-v2 -> ratings",
                          "expected": "missing-b3", "seen": "format-mismatch"}])],
     "brokenTrace": {"traceID": "00000000000000b2", "why": "reviews-v2 -> ratings: format-mismatch", "waterfall": ""},
     "traces": [{"traceID": "00000000000000b2", "complete": False, "breaks": ["reviews-v2 -> ratings: format-mismatch"]},
                {"traceID": "00000000000000c3", "complete": False, "breaks": ["reviews-v2 -> ratings: format-mismatch"]}]},
]}
with open(os.path.join(out, "last.json"), "w") as f:
    json.dump(report, f, indent=2)
