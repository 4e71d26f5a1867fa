# Shared by run.sh, profile.sh and interop.sh (sourced, not run): stopping what a script
# started, a bounded readiness wait, CPU pinning, the nginx upstream and span sink, and which
# proxy binary to test. Expects ROOT and WORK to be set by the caller.

# Every process a script starts goes in PIDS; on exit they are stopped by PID and WORK is
# removed (KEEP=1 keeps it and says where).
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ -n "${KEEP:-}" ]]; then echo "kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

wait_http() { # URL [tries of 0.1 s, default 100]: bounded readiness wait
    for _ in $(seq 1 "${2:-100}"); do
        curl -fs -o /dev/null "$1" && return 0
        sleep 0.1
    done
    echo "not ready: $1" >&2
    return 1
}

# One CPU for the proxy under test, another for the load and the upstream, when there are two.
if [[ "$(nproc)" -ge 2 ]] && command -v taskset >/dev/null; then
    PROXY_PIN=(taskset -c "${PROXY_CPU:-1}")
    LOAD_PIN=(taskset -c "${LOAD_CPU:-0}")
else
    PROXY_PIN=()
    LOAD_PIN=()
fi

# PROXY_CMD: TRACELAB_PROXY if set, else the first release build found (the separate
# tracelab-proxy executable before `tracelab proxy`), else the given debug fallback.
find_proxy_command() { # [debug fallback: yes]
    PROXY_CMD=()
    if [[ -n "${TRACELAB_PROXY:-}" ]]; then
        read -r -a PROXY_CMD <<< "$TRACELAB_PROXY"
        return 0
    fi
    local candidate
    for candidate in .build/release/tracelab-proxy .build-release/release/tracelab-proxy; do
        [[ -x "$ROOT/$candidate" ]] && { PROXY_CMD=("$ROOT/$candidate"); return 0; }
    done
    for candidate in .build/release/tracelab .build-release/release/tracelab; do
        [[ -x "$ROOT/$candidate" ]] && { PROXY_CMD=("$ROOT/$candidate" proxy); return 0; }
    done
    if [[ "${1:-}" == yes && -x "$ROOT/.build/debug/tracelab-proxy" ]]; then
        PROXY_CMD=("$ROOT/.build/debug/tracelab-proxy")
        return 0
    fi
    echo "no release build: run 'swift build -c release --product tracelab-proxy' first" >&2
    exit 2
}

# nginx with one worker as the app (a small JSON body, like a bookinfo detail) on APP_PORT and
# a span sink answering 202 on SINK_PORT; started on the load CPU.
start_upstream_nginx() { # APP_PORT SINK_PORT
    mkdir -p "$WORK/nginx"
    cat > "$WORK/nginx/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx;
    proxy_temp_path $WORK/nginx;
    fastcgi_temp_path $WORK/nginx;
    uwsgi_temp_path $WORK/nginx;
    scgi_temp_path $WORK/nginx;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$1;
        location / { default_type application/json; return 200 '{"id":0,"author":"William Shakespeare","year":1595,"type":"paperback","pages":200}'; }
    }
    server {
        listen 127.0.0.1:$2;
        client_max_body_size 64m;
        location / { return 202; }
    }
}
NGINX
    "${LOAD_PIN[@]}" nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
    PIDS+=($!)
    wait_http "http://127.0.0.1:$1/"
}
