#!/usr/bin/env bash
# Where a proxied request's work goes (issue 25): tracelab-proxy between wrk and an nginx
# upstream, profiled two ways for each mode (tracing off, 100 % tracing):
#   - callgrind: user-space instructions per request, by part (the HTTP/1.1 parser and writer, channel
#     pipeline and sockets, Swift runtime reference counting, malloc/free, the proxy's own
#     code, span building and reporting). Deterministic: comparable between runs and machines
#     of one architecture, unlike timings on a noisy VM.
#   - perf (cpu-clock samples, when perf works here): the share of time in the kernel (system
#     calls, loopback TCP) against user space, which callgrind cannot see.
# Needs: valgrind, nginx, wrk, curl, a release build (as for run.sh), perf optional.
# Knobs: REQUESTS_SECONDS (wrk time under callgrind, default 8), CONNECTIONS (default 8),
# BASE_PORT (default 18300), TRACELAB_PROXY, PROXY_CPU/LOAD_CPU as in run.sh, KEEP=1 keeps the
# profiles (callgrind_annotate, perf report) and says where.
# Loopback only; every process started here is stopped by PID on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECONDS_UNDER_CALLGRIND="${REQUESTS_SECONDS:-8}"
CONNECTIONS="${CONNECTIONS:-8}"
BASE_PORT="${BASE_PORT:-18300}"
WORK="$(mktemp -d /tmp/tracelab-proxy-profile.XXXXXX)"
APP_PORT=$((BASE_PORT + 1)); SINK_PORT=$((BASE_PORT + 2))
TL_IN=$((BASE_PORT + 10)); TL_ADMIN=$((BASE_PORT + 11))

source "$ROOT/Benchmarks/proxy/common.sh"
find_proxy_command
for tool in valgrind callgrind_annotate callgrind_control nginx wrk curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y valgrind nginx wrk curl)" >&2; exit 2; }
done
start_upstream_nginx "$APP_PORT" "$SINK_PORT"
URL="http://127.0.0.1:$TL_IN/details/0"

proxy_args() { # mode
    local args=(--service details --node-id details-v1 --inbound "127.0.0.1:$TL_IN" --app "127.0.0.1:$APP_PORT" --admin "127.0.0.1:$TL_ADMIN" --threads 1 --log-level warning)
    if [[ "$1" == on ]]; then args+=(--zipkin "http://127.0.0.1:$SINK_PORT/api/v2/spans" --sampling 1.0); else args+=(--sampling 0); fi
    printf '%s\n' "${args[@]}"
}

wrk_count() { # seconds -> requests completed
    "${LOAD_PIN[@]}" wrk -t1 -c"$CONNECTIONS" -d"$1s" "$URL" | awk '/requests in/ {print $1}'
}

# Sums callgrind_annotate's exclusive counts by part. The patterns are tried in order; the
# first that matches a function's "file:symbol [object]" line takes its instructions.
by_part() { # annotate-output requests
    awk -v requests="$2" '
        function part(line) {
            if (line ~ /swift_retain|swift_release|swift_bridgeObjectRe|swift_unknownObjectRe|swift_isUniquely|RefCounts|swift_nonatomic/) return "Swift runtime: reference counting"
            if (line ~ /swift_beginAccess|swift_endAccess|AccessSet|SwiftTLSContext/) return "Swift runtime: exclusivity checks"
            if (line ~ /tryCast|swift_dynamicCast|GenericMetadata|MetadataCacheKey|getCache|ConcurrentReadableHashMap|LockingConcurrentMap|instantiateConcreteType|getWitnessTable|projectValue|tuple_|swift_array|sypWOb|swift_getAssociated|swift_conformsTo/) return "Swift runtime: casts (NIOAny), generic metadata, copies"
            if (line ~ /libc\.so|ld-linux/) {
                if (line ~ /malloc|free|realloc|calloc|_int_|tcache|arena/) return "malloc/free"
                return "libc (memcpy, syscall wrappers, ...)"
            }
            if (line ~ /swift_allocObject|swift_deallocObject|swift_slowAlloc|swift_slowDealloc|swift_dealloc|swift_allocBox|swift_deallocBox/) return "malloc/free"
            if (line ~ /HTTP1Wire/) return "HTTP1Wire: heads, framing, forwarded heads"
            if (line ~ /llhttp|HTTPDecoder|HTTPEncoder|HTTPRequestEncoder|HTTPResponseEncoder|NIOHTTP1|HTTPHeaders|HTTPRequestHead|HTTPResponseHead/) return "NIOHTTP1: HTTP codec and headers"
            if (line ~ /NIOPosix|Selector|BaseSocket|SocketChannel|PendingWritesManager|NIOThreadPool|epoll/) return "NIOPosix: event loop, sockets"
            if (line ~ /NIOCore|ChannelPipeline|ChannelHandlerContext|ByteBuffer|EventLoopFuture|EventLoopPromise|CircularBuffer|NIOAny/) return "NIOCore: pipeline, buffers, futures"
            if (line ~ /AsyncHTTPClient|ZipkinHTTPReporter|SpanBatchQueue|HTTPSpanReporter/) return "span reporting (queue, encode, POST)"
            if (line ~ /Zipkin|JSONByteWriter|ByteWriter|ZipkinTags|ProxySpanBuilder|SpanFacts/) return "span building and encoding"
            if (line ~ /TraceContext|TraceDecider|TraceDecision|B3|W3C|Traceparent|RequestID|HTTP1HeadCarrier/) return "trace headers: parse, decide, rewrite"
            if (line ~ /ProxyCore|ForwardingHandler|UpstreamConnection|ProxyStatistics|Route/) return "proxy: forwarding, routing, statistics"
            if (line ~ /\$sS|\$ss|String|_allASCII|Substring|Character/) return "Swift stdlib: strings, arrays (callers above)"
            return "other"
        }
        /PROGRAM TOTALS/ { next }
        /^ *[0-9,]+ / {
            n = $1; gsub(",", "", n)
            sub(/^ *[0-9,]+ +(\([^)]*\) +)?/, "")
            sum[part($0)] += n; total += n
        }
        END {
            for (p in sum) printf "%12.0f  %6.1f%%  %s\n", sum[p] / requests, 100 * sum[p] / total, p | "sort -rn"
            close("sort -rn")
            printf "%12.0f  %6.1f%%  %s\n", total / requests, 100, "total (user space)"
        }' "$1"
}

# Entry points of the steps a request takes (mangled names, matched by substring).
STEPS="HTTPDecoderC6decode7context|ForwardingHandlerC11channelRead7context|ForwardingHandlerC5start|ForwardingHandlerC12upstreamRead|ForwardingHandlerC6finish|HTTPRequestEncoderC5write7context|HTTPResponseEncoderC5write7context|TraceDeciderV6decide|TraceDeciderV7rewrite|HopByHopHeadersO5strip|ProxySpanBuilderO4span|HTTPSpanReporterC6report|SpanBatchQueueC6append|HTTPSpanReporterC10sendQueued|BaseStreamSocketChannelC13writeToSocket|BaseStreamSocketChannelC08readFromD0"

for mode in off on; do
    mapfile -t args < <(proxy_args "$mode")
    echo "== tracing=$mode: callgrind, wrk -t1 -c$CONNECTIONS for ${SECONDS_UNDER_CALLGRIND}s after a warm-up"
    "${PROXY_PIN[@]}" valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.$mode.out" \
        --instr-atstart=no --dump-instr=no "${PROXY_CMD[@]}" "${args[@]}" > "$WORK/proxy-$mode.log" 2>&1 &
    pid=$!; PIDS+=("$pid")
    wait_http "http://127.0.0.1:$TL_ADMIN/ready" 1800
    wrk_count 2 > /dev/null   # warm-up: connections, pools, lazy initialisation
    callgrind_control -i on "$pid" > /dev/null
    requests="$(wrk_count "$SECONDS_UNDER_CALLGRIND")"
    callgrind_control -i off "$pid" > /dev/null
    callgrind_control -d "$pid" > /dev/null
    kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    dump="$(ls -t "$WORK"/callgrind.$mode.out* | grep -v "\.out$" | head -1 || true)"
    [[ -n "$dump" ]] || dump="$WORK/callgrind.$mode.out"
    callgrind_annotate --threshold=100 "$dump" > "$WORK/annotate.$mode.txt" 2>/dev/null
    echo "   $requests requests profiled"
    by_part "$WORK/annotate.$mode.txt" "$requests"
    callgrind_annotate --inclusive=yes --threshold=100 "$dump" > "$WORK/inclusive.$mode.txt" 2>/dev/null
    echo "   steps of a request (inclusive Ir per request; the HTTP decoder's includes what it calls):"
    grep -E "$STEPS" "$WORK/inclusive.$mode.txt" | awk -v requests="$requests" '{ n = $1; gsub(",", "", n); sub(/^ *[0-9,]+ +(\([^)]*\) +)?/, ""); sub(/ \[.*/, ""); printf "    %8.0f  %s\n", n / requests, substr($0, 1, 140) }' | sort -rn | awk '!seen[$1]++' | head -14
    echo "   top functions (exclusive Ir per request):"
    awk -v requests="$requests" '/PROGRAM TOTALS/ { next } /^ *[0-9,]+ / { n = $1; gsub(",", "", n); sub(/^ *[0-9,]+ +(\([^)]*\) +)?/, ""); if (++shown <= 15) printf "    %8.0f  %s\n", n / requests, substr($0, 1, 150) }' "$WORK/annotate.$mode.txt"

    if command -v perf > /dev/null && perf record -o /dev/null -e cpu-clock true > /dev/null 2>&1; then
        "${PROXY_PIN[@]}" "${PROXY_CMD[@]}" "${args[@]}" > "$WORK/proxy-$mode-perf.log" 2>&1 &
        pid=$!; PIDS+=("$pid")
        wait_http "http://127.0.0.1:$TL_ADMIN/ready"
        wrk_count 1 > /dev/null
        perf record -q -e cpu-clock -F 2000 -p "$pid" -o "$WORK/perf.$mode.data" -- sleep 4 > /dev/null 2>&1 &
        perfpid=$!
        wrk_count 4 > /dev/null
        wait "$perfpid" || true
        kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
        echo "   perf, share of the proxy's CPU samples under load:"
        perf report -i "$WORK/perf.$mode.data" --sort dso --stdio 2>/dev/null |
            awk '/^ +[0-9.]+%/ { printf "    %7s  %s\n", $1, $2 }' | head -8
    fi
    echo
done
