#!/usr/bin/env bash
# Runs a tracelab command as a user without privileges, as the lab's users run it:
#   bash .ci/as-unprivileged.sh PATH/TO/tracelab ARGS…
# As root (CI, these machines) it drops to uid/gid 65534 with no supplementary groups
# (setpriv); as anyone else it runs the command as it is. The binary (with the resource
# bundles beside it) and scenarios/ are copied into a fresh directory that user owns, which is
# also the working directory (.tracelab/ goes there) and HOME: a clone under /root is not
# readable by uid 65534. Exits with the command's status.
set -euo pipefail
cd "$(dirname "$0")/.."

binary="${1:?usage: as-unprivileged.sh PATH/TO/tracelab ARGS…}"
shift
[ -x "$binary" ] || { echo "as-unprivileged: $binary is not an executable file" >&2; exit 2; }

work="$(mktemp -d /tmp/tracelab-unprivileged.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
cp "$binary" "$work/bin/"
for bundle in "$(dirname "$binary")"/*.resources; do
    [ -e "$bundle" ] && cp -R "$bundle" "$work/bin/"
done
cp -R scenarios "$work/scenarios"
cp -R examples "$work/examples"  # lesson 11 starts an example app from here
chmod -R a+rX "$work"

run=("$work/bin/$(basename "$binary")" "$@")
if [ "$(id -u)" = 0 ]; then
    command -v setpriv >/dev/null || { echo "as-unprivileged: setpriv (util-linux) is needed to drop root" >&2; exit 2; }
    chown -R 65534:65534 "$work"
    cd "$work"
    echo "as-unprivileged: running as uid 65534 in $work: ${run[*]}"
    setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME="$work" "${run[@]}"
else
    cd "$work"
    echo "as-unprivileged: running as uid $(id -u) in $work: ${run[*]}"
    env HOME="$work" "${run[@]}"
fi
