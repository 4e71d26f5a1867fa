#!/usr/bin/env bash
# Fuzzes TraceLab's parsers with libFuzzer (Swift's -sanitize=fuzzer,address), each target
# for a bounded time, seeded with the test fixtures, the course's scenario files and the
# inputs under Fuzz/Corpus. A finding is saved under Fuzz/crashes/ and fails the run; copy it
# to Fuzz/Regressions/<target>/ and the test suite replays it from then on.
#
#   bash Fuzz/run.sh [SECONDS_PER_TARGET (60)] [TARGET…]
#   targets: FuzzTraceHeaders FuzzZipkinJSON FuzzScenarioYAML FuzzRequestHead
#            FuzzZipkinProto3 FuzzZipkinV1JSON FuzzOTLPProtobuf FuzzOTLPJSON FuzzResponseReader
#
# libFuzzer runs on one core, so targets run FUZZ_JOBS at a time (default: the number of
# cores): nine targets at 60 s take 5 minutes on CI's two cores, each target still getting a
# core for its whole time.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzTraceHeaders FuzzZipkinJSON FuzzScenarioYAML FuzzRequestHead
  FuzzZipkinProto3 FuzzZipkinV1JSON FuzzOTLPProtobuf FuzzOTLPJSON FuzzResponseReader)
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}

flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --scratch-path ../.build-fuzz)
echo "==> building the fuzz targets (release, libFuzzer + AddressSanitizer)"
swift build "${flags[@]}" 2>&1 | grep -v "ld.gold: warning: Cannot export local symbol" | tail -3
bin=$(swift build "${flags[@]}" --show-bin-path)

seeds() {
  case "$1" in
    FuzzZipkinJSON) echo ../Tests/ZipkinTests/Fixtures ;;
    FuzzScenarioYAML) echo ../scenarios ;;
    *) echo "Corpus/$1" ;;
  esac
}

# One target for `seconds`; its log goes to .build-fuzz/<target>.log, its exit status to .rc.
fuzz() {
  local target=$1 work="../.build-fuzz/corpus/$1"
  # Regressions/<target> may not exist in a fresh clone (git keeps no empty folders), and
  # libFuzzer stops on a corpus folder that is missing.
  mkdir -p "$work" "Regressions/$target"
  local status=0
  # shellcheck disable=SC2046
  "$bin/$target" "$work" $(seeds "$target") Regressions/"$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="crashes/$target-" -print_final_stats=1 > "../.build-fuzz/$target.log" 2>&1 || status=$?
  echo "$status" > "../.build-fuzz/$target.rc"
}

mkdir -p crashes
echo "==> ${targets[*]}: ${seconds}s each, $jobs at a time"
running=0
for target in "${targets[@]}"; do
  rm -f "../.build-fuzz/$target.rc"
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz "$target" &
  running=$((running + 1))
done
wait

failed=()
for target in "${targets[@]}"; do
  log="../.build-fuzz/$target.log"
  if [ "$(cat "../.build-fuzz/$target.rc" 2>/dev/null)" = 0 ]; then
    echo "==> $target: no findings"
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+[[:space:]]+DONE)" "$log" | sed 's/^/    /' || true
  else
    failed+=("$target")
    echo "==> $target: FAILED"
    grep -E "Fatal error|ERROR: AddressSanitizer|ERROR: libFuzzer|Test unit written|No such file|exiting" "$log" | head -5 | sed 's/^/    /' || true
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]} (inputs in Fuzz/crashes/, logs in .build-fuzz/*.log);"
  echo "reproduce with: $bin/<target> Fuzz/crashes/<file>"
  exit 1
fi
echo "no findings in ${targets[*]}"
