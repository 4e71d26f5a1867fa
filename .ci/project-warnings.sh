#!/usr/bin/env bash
# Prints the compiler and package warnings of the project's own files found in a build log and
# exits 1 when there is any; dependencies' warnings (under .build*) are theirs, not counted.
#   bash .ci/project-warnings.sh BUILD_LOG
set -euo pipefail
cd "$(dirname "$0")/.."
log="${1:?usage: project-warnings.sh BUILD_LOG}"
root="$(pwd)"
found="$(awk -v root="$root/" '
    # file:line:col: warning: … in a file of the project
    index($0, root) == 1 && $0 ~ /: warning: / && substr($0, length(root) + 1) !~ /^\.build/ { print; next }
    # a package warning (unhandled files) is followed by the paths it is about
    /^warning: .* unhandled/ { pending = $0; next }
    pending != "" && /^    \// {
        path = $1
        if (index(path, root) == 1 && substr(path, length(root) + 1) !~ /^\.build/) print pending ": " path
        next
    }
    { pending = "" }
' "$log" | sort -u)"
if [ -n "$found" ]; then
    echo "project warnings ($(printf '%s\n' "$found" | wc -l)):"
    printf '%s\n' "$found"
    exit 1
fi
echo "project warnings: none"
