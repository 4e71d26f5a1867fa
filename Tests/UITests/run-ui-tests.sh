#!/usr/bin/env bash
# Browser test of the collector's web UI (issue 22, point 6): Playwright for Python drives the
# Debian chromium, headless, through the pages a student uses (Tests/UITests/ui_test.py).
#
# Starts tracelab-collector on a free loopback port, loads the shared Envoy/OTel fixtures and
# bookinfo/chain-shaped traces (Tests/UITests/make_spans.py: complete, broken, clock-skewed,
# drop-all split, faults) and the course (make_course_results.py), runs ui_test.py against it
# and lists the screenshots it took.
#
# Usage: Tests/UITests/run-ui-tests.sh [path/to/tracelab-collector]
# Environment:
#   TRACELAB_UI_SCREENSHOTS  folder for one PNG per page (default $UI_TEST_OUT/screenshots)
#   UI_TEST_OUT              logs and posted bodies (default .build/ui-tests)
#   CHROMIUM                 the browser (default: chromium or chromium-browser on PATH)
#   TRACELAB_UI_PYTHON       a python3 that can import playwright (default: python3 if it can,
#                            else a virtualenv in .build/ui-tests-venv with `pip install playwright`)
# Installs what is missing: chromium and curl with apt-get (as root), Playwright with pip.
# Playwright's own browser download is never used. Exit code 0 = every check passed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${1:-$ROOT/.build/debug/tracelab-collector}"
OUT="${UI_TEST_OUT:-$ROOT/.build/ui-tests}"
SHOTS="${TRACELAB_UI_SCREENSHOTS:-$OUT/screenshots}"
FIXTURES="$ROOT/Tests/CollectorTests/Fixtures"
VENV="$ROOT/.build/ui-tests-venv"

[ -x "$BIN" ] || { echo "error: collector binary $BIN not found; run 'swift build --product tracelab-collector' first" >&2; exit 2; }
mkdir -p "$OUT"
rm -rf "$SHOTS"
mkdir -p "$SHOTS"

# ---- what the test needs: chromium, curl, python3 with playwright ----
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing $*; install them with 'apt-get install -y $*' (needs root)" >&2
    exit 2
  fi
  echo "installing with apt-get: $*"
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq "$@" >/dev/null
}
need=()
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[ -n "$CHROMIUM" ] || need+=(chromium)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  apt_install "${need[@]}"
  CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
fi
[ -x "$CHROMIUM" ] || { echo "error: chromium not found after installing it" >&2; exit 2; }

has_playwright() { "$1" -c 'import playwright.sync_api' >/dev/null 2>&1; }
PY="${TRACELAB_UI_PYTHON:-python3}"
if ! has_playwright "$PY"; then
  PY="$VENV/bin/python"
  if ! has_playwright "$PY"; then
    if ! [ -x "$PY" ] && ! python3 -m venv "$VENV" >/dev/null 2>&1; then
      rm -rf "$VENV"
      apt_install python3-venv python3-pip
      python3 -m venv "$VENV"
    fi
    echo "installing Playwright for Python into $VENV (pip)"
    # Only the Python package and its driver; the browser is the Debian chromium above.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 900 "$PY" -m pip install --quiet --disable-pip-version-check 'playwright>=1.40,<2'
    has_playwright "$PY" || { echo "error: playwright did not install into $VENV" >&2; exit 2; }
  fi
fi
echo "browser: $("$CHROMIUM" --version 2>/dev/null | head -1) ($CHROMIUM); playwright: $("$PY" -c 'import importlib.metadata as m; print(m.version("playwright"))')"

# ---- a collector on a free loopback port, with the test data ----
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
# The course page reads copies of scenarios/ (plus a lesson with a typo) and a results file in
# `tracelab run`'s format naming make_spans.py's traces (make_course_results.py).
python3 "$ROOT/Tests/UITests/make_course_results.py" "$ROOT/scenarios" "$OUT/course"
"$BIN" --listen "127.0.0.1:$PORT" --storage memory --log-level warning \
  --course-dir "$OUT/course/scenarios" --course-results "$OUT/course/last.json" >"$OUT/collector.log" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  curl -sf --max-time 2 "$BASE/health" >/dev/null && break
  kill -0 "$PID" 2>/dev/null || { echo "error: collector exited; log:" >&2; cat "$OUT/collector.log" >&2; exit 1; }
  sleep 0.1
done
curl -sf --max-time 2 "$BASE/health" >/dev/null || { echo "error: collector not ready on $BASE after 10 s" >&2; exit 1; }

post() { # file, extra curl args…
  local file="$1"; shift
  local code
  code="$(curl -s --max-time 20 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "$@" --data-binary @"$file" "$BASE/api/v2/spans")"
  [ "$code" = 202 ] || { echo "error: POST $file answered $code, expected 202" >&2; exit 1; }
}
post "$FIXTURES/envoy-1.40-server-spans.json" -H 'Transfer-Encoding: chunked'
post "$FIXTURES/envoy-1.40-client-spans.json"
gzip -c "$FIXTURES/otel-python-1.45-zipkin-spans.json" >"$OUT/otel.json.gz"
post "$OUT/otel.json.gz" -H 'Content-Encoding: gzip'
python3 "$ROOT/Tests/UITests/make_spans.py" >"$OUT/bookinfo.json"
post "$OUT/bookinfo.json"

# ---- the browser test ----
status=0
timeout 600 "$PY" "$ROOT/Tests/UITests/ui_test.py" --base "$BASE" --screenshots "$SHOTS" --chromium "$CHROMIUM" || status=$?

echo "screenshots ($SHOTS):"
ls -l "$SHOTS"
if [ "$status" -ne 0 ]; then
  [ "$status" -eq 124 ] && echo "error: the browser test did not finish in 600 s" >&2
  echo "UI tests FAILED (exit $status); collector log $OUT/collector.log, screenshots in $SHOTS" >&2
  exit 1
fi
echo "UI tests passed; screenshots in $SHOTS"
