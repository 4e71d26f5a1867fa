#!/usr/bin/env bash
# Bring your own service (docs/BYO.md), run as a user would, on local labs started on free ports:
#   bash .ci/byo-examples.sh PATH/TO/tracelab
# - lesson 01 with the OpenTelemetry example (examples/python-otel, SDK from PyPI) in place of
#   ratings-v1, then of reviews-v2: every trace complete, with the app's own spans in it;
# - lesson 11 with the by-hand example in place of the broken one: the trace no longer breaks
#   (the lesson, which expects the break, fails with every trace complete);
# - lesson 11 as written (the broken example) names reviews-v2 -> ratings, missing-b3;
# - `tracelab check-propagation` on each example, when the command exists.
# The app's own spans are checked in the collector of a lab kept up with `up --replace`.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="$(realpath "${1:?usage: byo-examples.sh PATH/TO/tracelab}")"
venv="${TRACELAB_BYO_VENV:-/tmp/tracelab-byo-venv}"
if ! "$venv/bin/python" -c 'import opentelemetry.sdk, opentelemetry.propagators.b3, opentelemetry.exporter.otlp.proto.http' 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  timeout 600 "$venv/bin/pip" install -q --disable-pip-version-check -r examples/python-otel/requirements.txt
fi
otel="$venv/bin/python examples/python-otel/app.py"
failures=0
pass() { echo "  ok: $*"; }
fail() { echo "  FAILED: $*"; failures=$((failures + 1)); }

echo "== lesson 01 with the OpenTelemetry example in place of ratings-v1 and of reviews-v2"
for instance in ratings-v1 reviews-v2; do
  if "$bin" run --free-ports --replace "$instance=cmd:$otel" scenarios/01-happy-path.yaml > /tmp/byo-01.log 2>&1; then
    pass "lesson 01 passes with $instance replaced"
  else
    fail "lesson 01 with $instance replaced:"; tail -40 /tmp/byo-01.log
  fi
done

echo "== lesson 11 with the by-hand example: no trace breaks any more (the lesson expects a break)"
set +e
"$bin" run --free-ports --replace 'reviews-v2=cmd:python3 examples/python-by-hand/app.py' \
  --report json scenarios/11-your-own-service.yaml > /tmp/byo-11.json 2>/tmp/byo-11.err
status=$?
set -e
if [ "$status" = 1 ] && python3 - /tmp/byo-11.json <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
outcome = report["scenarios"][0] if "scenarios" in report else report[0]
results = {r["field"]: r for r in outcome["results"]}
assert not results["expect.complete"]["passed"] and "20 of 20 complete" in results["expect.complete"]["seen"], results["expect.complete"]
assert not results["expect.broken_links"]["passed"], results["expect.broken_links"]
PY
then pass "every trace through the by-hand example is complete"
else fail "lesson 11 with the by-hand example (exit $status)"; head -c 3000 /tmp/byo-11.json; cat /tmp/byo-11.err; fi

echo "== lesson 11 as written: the broken example's hop is named"
if "$bin" run --free-ports scenarios/11-your-own-service.yaml > /tmp/byo-11b.log 2>&1; then
  pass "lesson 11 finds reviews-v2 -> ratings (missing-b3)"
else
  fail "lesson 11:"; tail -40 /tmp/byo-11b.log
fi

echo "== the OpenTelemetry app's own spans join the sidecars' trace (tracelab up --replace, the collector's API)"
work="$(mktemp -d /tmp/tracelab-byo.XXXXXX)"
cp -R examples "$work/"
base=$(python3 -c 'import random; print(random.randrange(21000, 30000, 100))')
cleanup() { (cd "$work" && "$bin" down >/dev/null 2>&1 || true); rm -rf "$work"; }
trap cleanup EXIT
(cd "$work" && "$bin" up --detach --base-port "$base" --collector-port $((base + 60)) --bookinfo-port $((base + 61)) \
  --chain-port $((base + 62)) --replace "ratings-v1=cmd:$venv/bin/python examples/python-otel/app.py") > /tmp/byo-up.log 2>&1 \
  || { fail "tracelab up --replace"; cat /tmp/byo-up.log; exit 1; }
grep -q "replaced: ratings-v1 → your app" /tmp/byo-up.log && pass "up lists the replaced instance" || fail "up does not list the replaced instance"
if python3 - "http://127.0.0.1:$((base + 60))" "http://127.0.0.1:$((base + 61))/productpage" <<'PY'
import json, sys, time, urllib.request
collector, entry = sys.argv[1], sys.argv[2]
deadline = time.time() + 30
while True:
    # A request each round: reviews-v1 (a third of them) makes no ratings call.
    urllib.request.urlopen(entry, timeout=10).read()
    traces = json.load(urllib.request.urlopen(f"{collector}/api/v2/traces?serviceName=ratings&limit=20"))
    joined = [t for t in traces
              if any(s.get("localEndpoint", {}).get("serviceName") == "productpage" for s in t)
              and any("otel.scope.name" in s.get("tags", {}) for s in t)]
    # A trace counts once every app span's parent is in it: the sidecars' spans may arrive
    # after the app's (each reporter sends on its own timer), so poll until then.
    def app_spans(trace):
        return [s for s in trace if "otel.scope.name" in s.get("tags", {})]
    whole = [t for t in joined if all(s.get("parentId") in {x["id"] for x in t} for s in app_spans(t))]
    if whole:
        app = app_spans(whole[0])
        print(f"  trace {whole[0][0]['traceId']}: {len(whole[0])} spans, {len(app)} from the app ({app[0]['tags']['otel.scope.name']})")
        break
    if time.time() > deadline:
        sys.exit(f"no ratings trace holds productpage's spans and the app's own, each app span with its parent: "
                 f"{len(joined)} hold both; {json.dumps(traces)[:2000]}")
    time.sleep(0.5)
PY
then pass "the app's spans are in the sidecars' trace, each with its parent there"
else fail "app spans not joined"; fi

if "$bin" help check-propagation >/dev/null 2>&1; then
  echo "== tracelab check-propagation on each example"
  for example in python-by-hand python-otel python-forgets-b3; do
    python="python3"; [ "$example" = python-otel ] && python="$venv/bin/python"
    set +e
    # The formats the lab's sidecars speak; OpenTelemetry's SDK has no propagator for
    # x-ot-span-context, which the command's default list includes (Istio's list does).
    "$bin" check-propagation --app "cmd:$python examples/$example/app.py" --instance reviews-v2 \
      --formats b3multi,b3single,w3c --report json > "/tmp/byo-check-$example.json" 2>"/tmp/byo-check-$example.err"
    status=$?
    set -e
    # What each example must get, format by format: the broken one loses B3 and keeps W3C.
    case "$example" in
      python-forgets-b3) expected=1 verdicts="b3multi=broken b3single=broken w3c=propagates" ;;
      *) expected=0 verdicts="b3multi=propagates b3single=propagates w3c=propagates" ;;
    esac
    if [ "$status" = "$expected" ] && python3 - "/tmp/byo-check-$example.json" $verdicts <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
seen = {v["format"]: v["verdict"] for v in report["verdicts"]}
for rule in sys.argv[2:]:
    fmt, want = rule.split("=")
    assert seen.get(fmt, "").startswith(want), f"{fmt}: {seen.get(fmt)} (expected {want})"
PY
    then pass "check-propagation $example: exit $status, verdicts $verdicts"
    else fail "check-propagation $example exited $status (expected $expected, verdicts $verdicts)"; head -c 3000 "/tmp/byo-check-$example.json"; cat "/tmp/byo-check-$example.err"; fi
  done
fi

[ "$failures" = 0 ] || { echo "byo-examples: $failures check(s) failed"; exit 1; }
echo "byo-examples: all checks passed"
