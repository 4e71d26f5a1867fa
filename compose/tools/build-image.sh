#!/usr/bin/env bash
# Builds TraceLab's runtime image from a `tracelab` built outside Docker (compose/Dockerfile,
# target runtime-prebuilt): no Swift toolchain image and no network needed when the base image is
# local.
#
#   swift build -c release --static-swift-stdlib --product tracelab
#   bash compose/tools/build-image.sh --binary .build/release/tracelab [--base IMAGE] [--tag NAME]
#
# --binary  the release tracelab; its resource bundles (*.resources: the collector's UI) are
#           taken from the same directory, as `swift build` leaves them
# --base    the runtime base (default: the Dockerfile's, ubuntu:noble); it needs bash and either
#           libsqlite3-0 or apt access, and a glibc at least as new as the build host's
# --tag     the image name (default: tracelab:latest, what compose/docker-compose.yaml runs)
# Prints the image's size. Exits non-zero, naming the problem, on bad input or a failed build.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

die() { echo "build-image: $*" >&2; exit 1; }
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

binary="" base="" tag="tracelab:latest"
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) [ $# -ge 2 ] || usage; binary="$2"; shift 2 ;;
        --base) [ $# -ge 2 ] || usage; base="$2"; shift 2 ;;
        --tag) [ $# -ge 2 ] || usage; tag="$2"; shift 2 ;;
        -h|--help) usage ;;
        *) echo "build-image: unknown argument '$1'" >&2; usage ;;
    esac
done
[ -n "$binary" ] || { echo "build-image: --binary PATH is required" >&2; usage; }
[ -e "$binary" ] || die "no such file: $binary (build it with: swift build -c release --static-swift-stdlib --product tracelab)"
[ -f "$binary" ] && [ -x "$binary" ] || die "$binary is not an executable file"
head -c 4 "$binary" | grep -q 'ELF' || die "$binary is not an ELF executable (a Linux build of tracelab is needed)"
command -v docker >/dev/null || die "docker is not installed"
docker info >/dev/null 2>&1 || die "the Docker daemon does not answer (is dockerd running? are you allowed to use its socket?)"

bindir="$(cd "$(dirname "$binary")" && pwd)"
shopt -s nullglob
bundles=("$bindir"/*.resources)
shopt -u nullglob
[ ${#bundles[@]} -gt 0 ] || die "no *.resources bundle beside $binary: the collector's UI bundle must come with the binary (copy the whole bin directory of the build)"

context="$(mktemp -d "${TMPDIR:-/tmp}/tracelab-image.XXXXXX")"
trap 'rm -rf "$context"' EXIT
cp "$binary" "$context/tracelab"
# Strip the copy (about a third of a release binary is symbols); the original stays as built.
if command -v strip >/dev/null; then strip "$context/tracelab"
elif command -v llvm-strip >/dev/null; then llvm-strip "$context/tracelab"
else echo "build-image: note: no strip or llvm-strip; the binary goes in unstripped" >&2; fi
chmod 0755 "$context/tracelab"
cp -R "${bundles[@]}" "$context/"

args=(build -f "$root/compose/Dockerfile" --target runtime-prebuilt -t "$tag")
[ -z "$base" ] || args+=(--build-arg "RUNTIME_BASE=$base")
echo "build-image: docker ${args[*]} (context: tracelab $(du -sh "$context/tracelab" | cut -f1), ${#bundles[@]} bundle(s))"
docker "${args[@]}" "$context" || die "docker build failed (see above)"
size=$(docker image inspect -f '{{.Size}}' "$tag") || die "the image $tag was not created"
echo "build-image: $tag built: $((size / 1000000)) MB ($size bytes)"
