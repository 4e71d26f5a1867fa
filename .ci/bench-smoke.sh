#!/bin/bash
# Runs `tracelab bench soak` and `tracelab bench overhead` briefly on fresh labs (free ports,
# loopback) and checks what does not depend on the machine's speed: the soak saw no failed
# request and every trace complete (its exit status), and the overhead run measured all five
# setups, sent spans with 100 % tracing, counted dropped ones with the collector down, and
# failed no request there. Usage: bench-smoke.sh PATH-TO-tracelab
set -euo pipefail
tracelab=${1:?usage: bench-smoke.sh PATH-TO-tracelab}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

timeout 180 "$tracelab" bench soak --duration 4 --interval 2 --rate 20
timeout 300 "$tracelab" bench overhead --duration 2 --warm-up 0.5 --rate 50 --json --svg "$out/overhead.svg" > "$out/overhead.json"

python3 - "$out/overhead.json" "$out/overhead.svg" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
rows = {row["name"]: row for row in report["setups"]}
problems = []
expected = ["no sidecars", "sidecars, tracing off", "sampling 1 %", "sampling 100 %", "100 %, collector down"]
if list(rows) != expected:
    problems.append(f"setups {list(rows)}, expected {expected}")
for name, row in rows.items():
    if row["requests"] != 100:
        problems.append(f"{name}: {row['requests']} requests, expected 2 s x 50/s = 100")
    if name != "100 %, collector down" and row["failed"] != 0:
        problems.append(f"{name}: {row['failed']} failed requests")
    if row.get("busyCores") is None or row.get("loadGeneratorCPUPer1k") is None:
        problems.append(f"{name}: no machine or load generator CPU figure")
full, down = rows.get("sampling 100 %", {}), rows.get("100 %, collector down", {})
if full.get("spansReported", 0) < 100 * 3:
    problems.append(f"sampling 100 %: {full.get('spansReported')} spans reported, expected at least 3 per request")
if down.get("failed") != 0:
    problems.append(f"collector down: {down.get('failed')} failed requests (the issue's target is 0)")
if down.get("spansDropped", 0) == 0:
    problems.append("collector down: no dropped spans counted")
if rows.get("sidecars, tracing off", {}).get("spansReported", 1) != 0:
    problems.append("tracing off still reported spans")
if open(sys.argv[2]).read().count("<polyline") != 5:
    problems.append("the plot does not draw five setups")
if problems:
    print("bench overhead smoke check failed:\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1)
print("bench overhead: five setups measured; collector down failed 0 requests and counted "
      f"{down['spansDropped']} dropped spans; 100 % tracing reported {full['spansReported']} spans")
PY
