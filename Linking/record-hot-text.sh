#!/usr/bin/env bash
# Records which functions a running lab touches and writes them to Linking/hot-text.order, the
# symbol-ordering file that Package.swift hands to lld for release executables (README.md here
# says why). The release binary runs `tracelab up --lab all` with touched-pages.c preloaded, which
# records every code page each role runs; the lab serves a mix of traffic and queries, idles and
# stops; hot_text.py maps the touched pages to functions.
#
# Usage: bash Linking/record-hot-text.sh [path to a release tracelab]
#   Ports 9080, 8080, 9411 and 15000-15100 must be free. KEEP_PAGES=DIR keeps the page maps.
#   Then relink: rm .build-release/release/tracelab* && swift build -c release ... (SwiftPM does
#   not see the order file as an input).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:-$here/../.build-release/release/tracelab}
work=$(mktemp -d /tmp/tracelab-hot-text.XXXXXX)
trap 'cd "$work" && ./tracelab down >/dev/null 2>&1 || true; [ -n "${KEEP_PAGES:-}" ] && cp -r "$work/pages" "$KEEP_PAGES"; rm -rf "$work"' EXIT

cc -O2 -shared -fPIC -o "$work/touched-pages.so" "$here/touched-pages.c"
cp "$binary" "$work/tracelab"
mkdir "$work/pages"
cd "$work"
# The Swift runtime's crash handler would replace the recorder's SIGSEGV handler.
export SWIFT_BACKTRACE=enable=no LD_PRELOAD="$work/touched-pages.so" \
    TRACELAB_TOUCHED_PAGES="$work/pages" TRACELAB_TOUCHED_EXECUTABLE="$work/tracelab"
./tracelab up --lab all --detach >up.log 2>&1 || { cat up.log >&2; exit 1; }

get() { curl -fsS -o /dev/null --max-time 5 "$@"; }
for i in $(seq 1 30); do
    trace=$(printf '%016x%016x' $((RANDOM * RANDOM)) $i)
    get -H "x-b3-traceid: $trace" -H "x-b3-spanid: $(printf '%016x' $i)" -H 'x-b3-sampled: 1' http://127.0.0.1:9080/productpage
    get -H "b3: $trace-$(printf '%016x' $i)-1" http://127.0.0.1:9080/api/v1/products/0
    get -H "traceparent: 00-$trace-$(printf '%016x' $i)-01" http://127.0.0.1:8080/
    get http://127.0.0.1:9080/productpage
done
sleep 2   # let the sidecars' reporters flush
for path in / /ui/app.js /ui/style.css /api/v2/services /api/v2/spans?serviceName=productpage \
    "/api/v2/traces?limit=10" "/api/v2/traces?serviceName=reviews&limit=5" /api/v2/dependencies?endTs=$(($(date +%s) * 1000)) \
    /api/v2/autocompleteKeys /api/tracelab/stats /health; do
    get "http://127.0.0.1:9411$path"
done
trace=$(curl -fsS "http://127.0.0.1:9411/api/v2/traces?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][0]["traceId"])')
get "http://127.0.0.1:9411/api/v2/trace/$trace"
get "http://127.0.0.1:9411/api/tracelab/traces/$trace/verdict"
./tracelab trace "$trace" >/dev/null || true
for port in $(./tracelab status --json | python3 -c 'import json,sys
for p in json.load(sys.stdin)["processes"]:
    print(*[q["port"] for q in p["ports"] if q["name"] == "admin"])'); do
    get "http://127.0.0.1:$port/metrics"
    get "http://127.0.0.1:$port/stats"
done
sleep 3   # idle timers
./tracelab down >/dev/null
unset LD_PRELOAD
python3 "$here/hot_text.py" "$work/tracelab" "$work/pages" > "$here/hot-text.order"
for role in proxy service collector cli; do
    echo "$role: $(python3 -c "import sys; print(sum(open(sys.argv[1], 'rb').read()))" "$work/pages/$role") code pages"
done
echo "wrote $(wc -l < "$here/hot-text.order") symbols to Linking/hot-text.order"
