#!/usr/bin/env bash
# Headless-Chromium test of the collector's web UI (issue 6; request view and fragment links: issue 22).
#
# Starts tracelab-collector on a free loopback port, loads the shared Envoy/OTel fixtures and
# bookinfo-shaped traces (complete, broken, clock-skewed), lets Chromium run the page's JS
# (--dump-dom) and checks the rendered DOM shows the expected traces, verdicts and links.
# Screenshots go to $UI_TEST_OUT (default .build/ui-tests) for a human to look at.
#
# Usage: Tests/UITests/run-ui-tests.sh [path/to/tracelab-collector]
# Needs: chromium (Debian package), curl, python3. Exit code 0 = every check passed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${1:-$ROOT/.build/debug/tracelab-collector}"
OUT="${UI_TEST_OUT:-$ROOT/.build/ui-tests}"
FIXTURES="$ROOT/Tests/CollectorTests/Fixtures"
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"

[ -x "$BIN" ] || { echo "error: collector binary $BIN not found; run 'swift build --product tracelab-collector' first" >&2; exit 2; }
[ -n "$CHROMIUM" ] || { echo "error: chromium not found; install it with 'apt-get install -y chromium'" >&2; exit 2; }
mkdir -p "$OUT"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
"$BIN" --listen "127.0.0.1:$PORT" --storage memory --log-level warning >"$OUT/collector.log" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  curl -sf "$BASE/health" >/dev/null && break
  kill -0 "$PID" 2>/dev/null || { echo "error: collector exited; log:" >&2; cat "$OUT/collector.log" >&2; exit 1; }
  sleep 0.1
done
curl -sf "$BASE/health" >/dev/null || { echo "error: collector not ready on $BASE after 10 s" >&2; exit 1; }

post() { # file, extra curl args…
  local file="$1"; shift
  local code
  code="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "$@" --data-binary @"$file" "$BASE/api/v2/spans")"
  [ "$code" = 202 ] || { echo "error: POST $file answered $code, expected 202" >&2; exit 1; }
}
post "$FIXTURES/envoy-1.40-server-spans.json" -H 'Transfer-Encoding: chunked'
post "$FIXTURES/envoy-1.40-client-spans.json"
gzip -c "$FIXTURES/otel-python-1.45-zipkin-spans.json" >"$OUT/otel.json.gz"
post "$OUT/otel.json.gz" -H 'Content-Encoding: gzip'
python3 "$ROOT/Tests/UITests/make_spans.py" >"$OUT/bookinfo.json"
post "$OUT/bookinfo.json"

FAILED=0
render() { # name, url → $OUT/name.html (+ .png)
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
    --virtual-time-budget=8000 --dump-dom "$2" >"$OUT/$1.html" 2>"$OUT/$1.chromium.log" || true
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
    --virtual-time-budget=8000 --window-size=1600,1000 --screenshot="$OUT/$1.png" "$2" >>"$OUT/$1.chromium.log" 2>&1 || true
}
expect() { # page, description, grep -E pattern
  if grep -Eq -- "$3" "$OUT/$1.html"; then echo "ok   $1: $2"; else echo "FAIL $1: $2 (no /$3/ in $OUT/$1.html)"; FAILED=1; fi
}
expect_not() {
  if grep -Eq -- "$3" "$OUT/$1.html"; then echo "FAIL $1: $2 (found /$3/)"; FAILED=1; else echo "ok   $1: $2"; fi
}
count() { # page, description, pattern, expected count
  local n; n="$(grep -Eo -- "$3" "$OUT/$1.html" | wc -l)"
  if [ "$n" -eq "$4" ]; then echo "ok   $1: $2"; else echo "FAIL $1: $2 (found $n, expected $4)"; FAILED=1; fi
}

render search "$BASE/"
expect search "lists the complete bookinfo trace" 'data-trace-id="00000000000000a1"'
expect search "lists the broken bookinfo trace" 'data-trace-id="00000000000000b2"'
expect search "shows service chips with span counts" 'productpage ×2'
expect search "marks a complete trace" 'marker ok">complete'
expect search "marks a broken trace" 'marker broken">broken'
expect search "marks errors" 'marker error">1 error'
expect search "offers the services in the filter" '<option value="ratings">ratings</option>'

render broken "$BASE/#/trace/00000000000000b2"
expect broken "shows the broken verdict" '✘ Broken trace'
expect broken "names the hop that broke" 'reviews-v2 -&gt; ratings|reviews-v2 → ratings'
expect broken "highlights the broken span row" 'class="row broken"[^>]*data-span-id="1000000000000003"'
count broken "draws one row per span" 'role="treeitem"' 4

render complete "$BASE/#/trace/00000000000000a1"
expect complete "shows the complete verdict" '✔ Complete trace'
count complete "draws one row per span, CLIENT and SERVER of a shared id apart" 'role="treeitem"' 5
count complete "nests the shared SERVER under its CLIENT" 'aria-level="3"[^>]*data-span-id="1000000000000002"' 1
expect_not complete "has no broken rows" 'class="row broken"'

render skew "$BASE/#/trace/00000000000000d4"
expect skew "marks clock skew on the skewed span" 'class="skew-mark"[^>]*>clock skew'
expect_not skew "does not call clock skew a broken link" 'class="row broken"'

render shared "$BASE/trace/438ed98a9c8fec0b2357180c0b981f04"
count shared "keeps the OTel CLIENT and Envoy SERVER with one id as two rows" 'data-span-id="fff4d0d8fa827c67"' 2

# Issue 22: a request split by reviews-v2 dropping every header is broken on both pages, each
# page links to the other fragment and to the request view, which stitches both.
expect search "marks the drop-all caller half broken, not complete" 'data-trace-id="00000000000000e5">([^<]|<[^/]|</[^l])*marker broken">broken'
expect_not search "never marks the drop-all caller half complete" 'data-trace-id="00000000000000e5">([^<]|<[^/]|</[^l])*marker ok">complete'
expect search "says the drop-all half is one of two traces of its request" 'trace 1 of 2 of its request'

render upstream "$BASE/#/trace/00000000000000e5"
expect upstream "calls the drop-all caller half broken" '✘ Broken trace'
expect upstream "names the hop and the cause" 'reviews-v2 -&gt; ratings: </span><span>reviews-v2 forwarded none of the trace headers'
expect upstream "links to the other fragment" '<a href="#/trace/00000000000000f6"'
expect upstream "links to the request view" 'id="request-link"[^>]*>|href="#/request/req-00e5"'

render downstream "$BASE/#/trace/00000000000000f6"
expect downstream "calls the drop-all fragment broken" '✘ Broken trace'
expect downstream "links back to the caller's fragment" '<a href="#/trace/00000000000000e5"'
expect downstream "links to the request view by the entry's x-request-id" 'href="#/request/req-00e5"'

expect broken "links the format-mismatch half to its other trace" '<a href="#/trace/00000000000000c3"'

render request "$BASE/#/request/req-00e5"
expect request "calls the request broken" '✘ Broken request: 2 traces'
expect request "lists the entry fragment with a link" 'class="fragment-link" data-trace-id="00000000000000e5"'
expect request "lists the other fragment with a link" 'class="fragment-link" data-trace-id="00000000000000f6"'
expect request "draws the break where it happened" 'class="row break-row"[^>]*data-hop="reviews-v2 -&gt; ratings"[^>]*data-code="missing-trace-headers"'
count request "draws every span of both fragments" 'role="treeitem"' 5
expect request "hangs the fragment below reviews-v2's SERVER span" 'aria-level="3"[^>]*data-span-id="1000000000000002"[^>]*data-kind="SERVER".*break-row.*aria-level="4"[^>]*data-span-id="3000000000000001"'

render norequest "$BASE/#/request/no-such-request"
expect norequest "says no trace carries the id" 'No trace in the collector carries x-request-id no-such-request'

render missing "$BASE/#/trace/0000000000000fff"
expect missing "says a trace is not there" 'is not in the collector'

render deps "$BASE/#/dependencies"
expect deps "draws the productpage → reviews edge" 'class="edge" data-parent="productpage" data-child="reviews"'
expect deps "draws the reviews → ratings edge with its error rate" 'data-parent="reviews" data-child="ratings"'
expect deps "shows call counts" '[0-9]+ calls'
expect deps "lists error rates in the table (1 of the 4 reviews -> ratings calls failed)" '<td>reviews</td><td>ratings</td><td>4</td><td>1 \(25.0%\)'

if [ "$FAILED" -ne 0 ]; then
  echo "UI tests FAILED; pages and screenshots in $OUT" >&2
  exit 1
fi
echo "UI tests passed; screenshots in $OUT"
