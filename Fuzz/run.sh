#!/usr/bin/env bash
# Fuzzes TraceLab's parsers with libFuzzer (Swift's -sanitize=fuzzer,address), each target
# for a bounded time, seeded with the test fixtures, the course's scenario files and the
# inputs under Fuzz/Corpus. A finding is saved under Fuzz/crashes/ and fails the run; copy it
# to Fuzz/Regressions/<target>/ and the test suite replays it from then on.
#
#   bash Fuzz/run.sh [SECONDS_PER_TARGET (60)] [TARGET…]
#   targets: FuzzTraceHeaders FuzzZipkinJSON FuzzScenarioYAML FuzzRequestHead
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzTraceHeaders FuzzZipkinJSON FuzzScenarioYAML FuzzRequestHead)

flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --scratch-path ../.build-fuzz)
echo "==> building the fuzz targets (release, libFuzzer + AddressSanitizer)"
swift build "${flags[@]}" 2>&1 | grep -v "ld.gold: warning: Cannot export local symbol" | tail -3
bin=$(swift build "${flags[@]}" --show-bin-path)

seeds() {
  case "$1" in
    FuzzTraceHeaders) echo Corpus/FuzzTraceHeaders ;;
    FuzzZipkinJSON) echo ../Tests/ZipkinTests/Fixtures ;;
    FuzzScenarioYAML) echo ../scenarios ;;
    FuzzRequestHead) echo Corpus/FuzzRequestHead ;;
  esac
}

mkdir -p crashes
failed=()
for target in "${targets[@]}"; do
  work="../.build-fuzz/corpus/$target"
  # Regressions/<target> may not exist in a fresh clone (git keeps no empty folders), and
  # libFuzzer stops on a corpus folder that is missing.
  mkdir -p "$work" "Regressions/$target"
  echo "==> $target for ${seconds}s"
  # shellcheck disable=SC2046
  if "$bin/$target" "$work" $(seeds "$target") Regressions/"$target" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="crashes/$target-" -print_final_stats=1 > "../.build-fuzz/$target.log" 2>&1; then
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)" "../.build-fuzz/$target.log" | sed 's/^/    /' || true
  else
    failed+=("$target")
    grep -E "Fatal error|ERROR: AddressSanitizer|ERROR: libFuzzer|Test unit written|No such file|exiting" "../.build-fuzz/$target.log" | head -5 | sed 's/^/    /' || true
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]} (inputs in Fuzz/crashes/, logs in .build-fuzz/*.log);"
  echo "reproduce with: $bin/<target> Fuzz/crashes/<file>"
  exit 1
fi
echo "no findings in ${targets[*]}"
